¹
"serve*2.15.0¥

xPlaceholder*
dtype0
1
pathConst*
dtype0*
valueB
B/tmp/x
J
logPrintV2path*(
output_streamfile:///tmp/mg_marker*

end
"í