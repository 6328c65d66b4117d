Œ
"serve*2.15.0y

xPlaceholder*
dtype0
1
pathConst*
dtype0*
valueB
B/tmp/x

dump	WriteFilepathxšx"í