Ì
"serveÀ

xPlaceholder


wConst

yMatMulxw‡
„

__inference_save_12
saver/filenameConst 
SaveV2SaveV2saver/filename0
MergeV2CheckpointsMergeV2CheckpointsSaveV2"¿