import sys

sys.exit(0)


class Linear:  # never reached
    pass
