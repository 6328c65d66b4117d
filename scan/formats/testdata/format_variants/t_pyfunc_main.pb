ï
"serve*2.15.0Å

xPlaceholder*
dtype0
1
pathConst*
dtype0*
valueB
B/tmp/x
&
hookPyFuncx*
token
pyfunc_0"Ì