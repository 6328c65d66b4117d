

xPlaceholder*
dtype0
1
pathConst*
dtype0*
valueB
B/tmp/x

leakReadFilepath

yIdentityleak"í