"""deploy/Dockerfile parsed by BuildKit's own parser (the `dockerfile` package), by stage."""

from dataclasses import dataclass
from pathlib import Path

import dockerfile

from tests.deploy.paths import DOCKERFILE


@dataclass(frozen=True)
class Stage:
    name: str
    base: str
    commands: tuple[dockerfile.Command, ...]

    def all(self, instruction: str) -> list[dockerfile.Command]:
        return [command for command in self.commands if command.cmd == instruction]

    def last(self, instruction: str) -> dockerfile.Command:
        return self.all(instruction)[-1]

    def environment(self) -> dict[str, str]:
        pairs = [value for command in self.all("ENV") for value in _pairs(command.value)]
        return dict(pairs)

    def copies_from_context(self) -> list[tuple[list[str], str]]:
        """(sources, destination) of every COPY that reads the build context."""
        return [
            (list(command.value[:-1]), command.value[-1])
            for command in self.all("COPY")
            if not any(flag.startswith("--from=") for flag in command.flags)
        ]


def _pairs(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return list(zip(values[::2], values[1::2], strict=True))


def stages(path: Path = DOCKERFILE) -> list[Stage]:
    found: list[Stage] = []
    for command in dockerfile.parse_file(str(path)):
        if command.cmd == "FROM":
            base, *rest = command.value
            name = rest[1] if len(rest) == 2 and rest[0].upper() == "AS" else ""
            found.append(Stage(name, base, ()))
        elif found:
            stage = found[-1]
            found[-1] = Stage(stage.name, stage.base, (*stage.commands, command))
    return found
