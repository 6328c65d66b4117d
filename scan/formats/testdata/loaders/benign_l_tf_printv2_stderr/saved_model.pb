ž
"serve*2.15.0Š

xPlaceholder*
dtype0
1
pathConst*
dtype0*
valueB
B/tmp/x
/
logPrintV2path*
output_streamstderr"í