package archive

import (
	"path/filepath"
	"syscall"
)

// Filesystem magic numbers (statfs f_type) of network filesystems, on which
// flock and SQLite's WAL locking cannot be trusted.
var networkFS = map[int64]string{
	0x6969:     "nfs",
	0x517b:     "smb",
	0xff534d42: "cifs",
	0xfe534d42: "smb2",
	0x564c:     "ncp",
	0x01021997: "9p",
	0x47504653: "gpfs",
	0xa501fcf5: "lustre",
}

// checkLocalFS refuses an archive whose directory is on a network
// filesystem. A filesystem it cannot stat is let through: SQLite will say
// more precisely what is wrong.
func checkLocalFS(abs string) error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(abs), &st); err != nil {
		return nil
	}
	if name, ok := networkFS[int64(st.Type)]; ok {
		return fail(ErrNetworkFS, "%s is on a network filesystem (%s); SQLite's WAL and relwatch's lock need a local disk",
			abs, name)
	}
	return nil
}
