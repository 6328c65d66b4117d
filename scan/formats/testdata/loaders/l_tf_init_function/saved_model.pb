Ç
"serve*2.15.0ò

xPlaceholder*
dtype0
A
	init_callStatefulPartitionedCall*
fR
__inference_init_5†
ƒ

__inference_init_59
pathConst*
dtype0*
valueBB/tmp/mg_marker0
write	WriteFilepath:output:0path:output:0"í*?
__saved_model_init_op&$
__saved_model_init_op
	init_call