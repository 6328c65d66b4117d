‹
"serveÿ

xPlaceholder


wConst

yMatMulxwÆ
„

__inference_save_12
saver/filenameConst 
SaveV2SaveV2saver/filename0
MergeV2CheckpointsMergeV2CheckpointsSaveV2
=

__inference_call_34
hookPyFuncx
dump	WriteFile"¿