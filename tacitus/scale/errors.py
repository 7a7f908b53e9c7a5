"""What can stop a run on Dask, as errors the command line reports in one line."""


class ScaleError(RuntimeError):
    """The cluster cannot give a trustworthy result: it is out of reach, its workers code
    differently, or they write shards the client cannot see."""


class ShardError(ScaleError):
    """A shard file that cannot be read back."""
