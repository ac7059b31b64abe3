"""The callback ports a user may pick (not a privileged one): apart from the sign-in, so
that reading the config does not import the HTTP stack."""

DEFAULT_PORT = 8888
PORTS = range(1024, 65536)
PORT_RULE = "from 1024 to 65535"
