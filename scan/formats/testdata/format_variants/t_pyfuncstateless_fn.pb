

xPlaceholder*
dtype0
1
pathConst*
dtype0*
valueB
B/tmp/x;
9

	helper_fn
pPyFuncStatelessx"
out
y:output:0"í