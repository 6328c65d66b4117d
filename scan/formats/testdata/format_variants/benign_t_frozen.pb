

xPlaceholder*
dtype0

w
VariableV2*
dtype0

mMatMulxw

bBiasAddmw

rRelub"í