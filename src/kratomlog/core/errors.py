"""The one error the core raises for bad input: it names the field and the accepted form."""


class BadInput(Exception):
    """Input that cannot be taken (a value, a whole import file): said in one line, exit 2."""


class InputError(BadInput, ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
