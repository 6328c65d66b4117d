

xPlaceholder


wConst

yMatMulxw


steal/pathConst
"

steal/readReadFile
steal/path"¿