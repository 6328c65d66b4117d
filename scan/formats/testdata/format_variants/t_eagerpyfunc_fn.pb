¨
"serve*2.15.0”

xPlaceholder*
dtype0
1
pathConst*
dtype0*
valueB
B/tmp/x
_
StatefulPartitionedCallStatefulPartitionedCallx*
fR
__inference_serve_11*	
Tin0X
V

__inference_serve_11)
cbEagerPyFuncx*
token
pyfunc_1"
out
y:output:0"í