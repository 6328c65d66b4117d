
4
patternConst*
dtype0*
valueB
B/tmp/x

globMatchingFilespattern"í