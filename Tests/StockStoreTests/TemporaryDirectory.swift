import TestSupport

/// A new empty directory for a test, named `prefix-UUID` (under ``Scratch/root``, removed at exit).
func temporaryDirectory(_ prefix: String) -> String { Scratch.directory(prefix) }
