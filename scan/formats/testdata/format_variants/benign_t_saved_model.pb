©
"serve*2.15.0•

xPlaceholder*
dtype0

w
VariableV2*
dtype0

mMatMulxw

bBiasAddmw

rRelub

saver/filenameConst
&
saver/SaveV2SaveV2saver/filename
,
saver/RestoreV2	RestoreV2saver/filename
Z
StatefulPartitionedCallStatefulPartitionedCallx*
fR
__inference_f_5*	
Tin0O
M

__inference_f_5
mmMatMulxx
smSoftmaxmm"
out
y:output:0"í