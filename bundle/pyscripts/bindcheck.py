"""Check that Python source binds a module-level name, without running it.

Used by `bundle validate` (on bin/wsgiapp, name "application") and by
`bundle init` (on the module named by --app). The source comes on stdin as
bytes; argv[1] is the name to look for (default "application"). The source is
parsed with ast only: never imported, compiled to bytecode or executed.

Prints one JSON object:
  {"ok": true,  "syntax_error": null, "has_application": bool, "star_imports": [...]}
  {"ok": false, "syntax_error": {"line": N, "col": N, "msg": "..."}, ...}
  {"ok": false, "error": "..."}   (the parser itself failed, e.g. too deep)
"has_application" is about the name asked for. A binding counts when it is in
module scope: an assignment target (also augmented and annotated with a value,
tuple/list/starred unpacking, for and with targets, :=), a def or class name,
an import (as) name, an except-as or match capture name, including inside
module-level if/try/for/while/with/match blocks, but not inside function or
class bodies, lambdas or comprehension variables. `from m import *` cannot be
seen through: such modules are listed in "star_imports".

Runs on Python 3.6 and later.
"""
import ast
import json
import sys
import warnings

# Messages from the tokenizer; on Python 3.9 to 3.12 every other SyntaxError
# (from the parser) reports a byte offset, which is converted to characters.
TOKENIZER_MSGS = (
    "unterminated", "unmatched", "invalid character", "invalid non-printable",
    "invalid decimal", "invalid hexadecimal", "invalid octal", "invalid binary",
    "invalid digit", "unexpected indent", "unindent", "expected an indented",
    "eol while", "eof while", "unexpected eof", "inconsistent use of tabs",
    "too many nested", "closing parenthesis", "unexpected character after line",
)

COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
CAPTURES = tuple(getattr(ast, n) for n in ("MatchAs", "MatchStar") if hasattr(ast, n))
MATCH_MAPPING = getattr(ast, "MatchMapping", ())


def module_bindings(tree):
    names = set()
    stars = []
    stack = list(reversed(tree.body))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue  # the body is another scope
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.AnnAssign) and node.value is None:
            continue  # "application: T" annotates, binds nothing
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Store):
                names.add(node.id)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    stars.append("." * (getattr(node, "level", 0) or 0) + (node.module or ""))
                elif alias.asname:
                    names.add(alias.asname)
                elif isinstance(node, ast.Import):
                    names.add(alias.name.split(".")[0])
                else:
                    names.add(alias.name)
            continue
        if isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        if CAPTURES and isinstance(node, CAPTURES) and node.name:
            names.add(node.name)
        if MATCH_MAPPING and isinstance(node, MATCH_MAPPING) and node.rest:
            names.add(node.rest)
        if isinstance(node, COMPREHENSIONS):
            # The loop variables are local to the comprehension; a := inside
            # it binds in the module.
            children = []
            for gen in node.generators:
                children.append(gen.iter)
                children.extend(gen.ifs)
            if isinstance(node, ast.DictComp):
                children += [node.key, node.value]
            else:
                children.append(node.elt)
            stack.extend(reversed(children))
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return names, stars


def char_col(source, lineno, offset, msg):
    """Return the 1-based column in characters of a SyntaxError."""
    if not lineno or not offset:
        return offset or 0
    if not ((3, 9) <= sys.version_info[:2] < (3, 13)):
        return offset
    if msg.lower().startswith(TOKENIZER_MSGS):
        return offset
    lines = source.splitlines()
    if lineno > len(lines):
        return offset
    line = lines[lineno - 1]
    try:
        return len(line[: offset - 1].decode("utf-8", "ignore")) + 1
    except Exception:
        return offset


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "application"
    source = sys.stdin.buffer.read()
    out = {"ok": True, "syntax_error": None, "has_application": False, "star_imports": []}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source, "<source>")
    except SyntaxError as e:
        msg = str(e.msg or "invalid syntax")
        if "null bytes" in msg:
            e.lineno, e.offset = None, None
        line = e.lineno or 0
        col = char_col(source, e.lineno, e.offset, msg)
        if not line and b"\0" in source:
            before = source[: source.index(b"\0")]
            line = before.count(b"\n") + 1
            col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "ignore")) + 1
        out.update(ok=False, syntax_error={"line": line, "col": col or 0, "msg": msg})
    except ValueError as e:  # null bytes, before Python 3.12
        before = source[: source.index(b"\0")] if b"\0" in source else source
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "ignore")) + 1
        out.update(ok=False, syntax_error={"line": line, "col": col, "msg": str(e)})
    except (RecursionError, MemoryError) as e:
        out.update(ok=False, error="python could not parse the file: %s" % (e.__class__.__name__,))
    else:
        names, stars = module_bindings(tree)
        out["has_application"] = name in names
        out["star_imports"] = stars
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
