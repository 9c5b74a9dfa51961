"""`urban token create NAME SCOPE...`: a new token, printed once; the file keeps its hash."""

from services.cli.failures import CliError
from services.cli.output import say, warn
from services.common.token_file import TokensFileError
from services.common.tokens import add_token


def run_token_create(args, connection) -> int:
    try:
        token = add_token(args.file, args.name, args.scopes)
    except (TokensFileError, OSError) as error:
        raise CliError(str(error)) from None
    say(token)
    warn(f"token {args.name!r} added to {args.file} (only its hash is stored; "
         "this is the only time it is shown)")
    return 0
