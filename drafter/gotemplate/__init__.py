"""A Go text/template engine that knows nothing of its caller: data and functions come from outside.

    Template("page").funcs({"shout": shout}).parse("{{ .Name | shout }}").execute({"Name": "x"})

Whatever it does not implement raises Unsupported naming the construct and the line, never a guess.
"""

from .template import Template
from .values import (GoObject, Member, ParseError, TemplateError, UndefinedFunction, Unsupported, field, method,
                     pass_data)


__all__ = ["Template", "GoObject", "Member", "ParseError", "TemplateError", "UndefinedFunction", "Unsupported",
           "field", "method", "pass_data"]
