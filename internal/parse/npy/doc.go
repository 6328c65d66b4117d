// Package npy parses the header of NumPy's .npy format (versions 1, 2
// and 3) without Python: the magic, the header length, and the header,
// a Python dict literal with the keys descr, fortran_order and shape.
//
// Decisions:
//   - The header is parsed with a small bounded parser of the Python
//     literals ast.literal_eval accepts in practice (strings with escapes,
//     numbers, True/False/None, tuples, lists, dicts); the Python 2 "L"
//     suffix is accepted for versions 1 and 2 as numpy's own filter does.
//   - The dtype decides whether the data is a pickle: numpy pickles the
//     array when the dtype holds Python objects ("O" anywhere in it,
//     including fields of structured dtypes and comma-separated specs).
//     A dtype string this package does not know is reported as Unknown,
//     so that the caller can fail closed and read the data as a pickle.
//   - The header is checked as numpy checks it (a dict with exactly the
//     three keys, a tuple of non-negative ints as shape, a bool as
//     fortran_order); a header numpy would refuse is an error.
//   - The header size is bounded by Options.MaxHeaderBytes; numpy lifts
//     its own bound when pickles are allowed, so a large header is an
//     ErrHeaderSize error for the caller to report, never a silent pass.
package npy
