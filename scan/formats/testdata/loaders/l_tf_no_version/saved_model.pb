ˆ
"serve*2.15.0u

xPlaceholder*
dtype0
1
pathConst*
dtype0*
valueB
B/tmp/x

dump	WriteFilepathx"í