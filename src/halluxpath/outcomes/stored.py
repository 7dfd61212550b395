"""The layouts of the outcomes JSON fields, with their versions (halluxpath.records.JsonSchema)."""

from __future__ import annotations

from halluxpath.records import JsonSchema

# QuestionnaireResponse.answers: {"answers": {item key: number, "na" or null}}.
ANSWERS = JsonSchema("halluxpath.outcomes.answers", 1)
# LoadedInstrument.definition: {"file": the site's file as loaded (core.instruments.load's input)}.
DEFINITION = JsonSchema("halluxpath.outcomes.definition", 1)
# QuestionnaireSchedule.time_points: {"time_points": core.schedule.Schedule.as_data()}.
SCHEDULE = JsonSchema("halluxpath.outcomes.schedule", 1)
