›
"serve*2.15.0‡

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
__inference_outer_20*	
Tin0Ê


__inference_outer_20R

inner_callStatefulPartitionedCallx*
fR
__inference_inner_21*	
Tin0"
out
y:output:0
G

__inference_inner_21
dump	WriteFilepathx"
out
y:output:0"í