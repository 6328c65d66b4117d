

xPlaceholder


wConst

yMatMulxw"¿