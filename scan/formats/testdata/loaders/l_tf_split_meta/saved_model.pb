l
"serve*2.15.0Y

xPlaceholder*
dtype0
1
pathConst*
dtype0*
valueB
B/tmp/x"í%#

dump	WriteFilepathx"í