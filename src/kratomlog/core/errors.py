"""The one error the core raises for bad input: it names the field and the accepted form."""


class InputError(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
