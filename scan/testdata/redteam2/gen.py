#!/usr/bin/env python3
"""Writes the container red-team fixtures of scan/redteam_containers_test.go.

Run from this directory with h5py installed. Nothing here is ever loaded:
the payload is written as bytes into files a library wrote.

  h5_userblock_pickle.h5  an HDF5 file written by h5py with a 512-byte user
                          block that holds a pickle: h5py opens the file,
                          pickle.load / joblib.load / torch.load run the
                          pickle (posix.system('touch /tmp/modelgate-redteam')).
"""
import h5py
import numpy as np

PAYLOAD = b"cposix\nsystem\n(S'touch /tmp/modelgate-redteam'\ntR."  # GLOBAL MARK STRING TUPLE REDUCE STOP

with h5py.File("h5_userblock_pickle.h5", "w", userblock_size=512, libver="earliest") as f:
    f["x"] = np.arange(4, dtype="<i4")

with open("h5_userblock_pickle.h5", "r+b") as f:
    f.write(PAYLOAD)  # the user block is the file's first 512 bytes
