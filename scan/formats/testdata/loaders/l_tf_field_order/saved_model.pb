©"
saved_model_main_op
dumpu

xPlaceholder*
dtype0
1
pathConst*
dtype0*
valueB
B/tmp/x

dump	WriteFilepathx"í
"serve*2.15.0