package dev.tocsin.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code tocsin audit verify}: walks the hash-chained timeline end to end; exit 1 names the first broken entry. */
@Command(name = "audit", description = "The audit ledger (the timeline).", mixinStandardHelpOptions = true)
final class AuditCommand {

    @ParentCommand
    TocsinCli root;

    @Command(mixinStandardHelpOptions = true, name = "verify",
            description = "Check the hash chain of every timeline entry; exit 1 if it is broken.")
    int verify() {
        JsonNode answer = root.api().get("/api/v1/audit/verify");
        boolean ok = answer.get("ok").asBoolean();
        if (!root.printedJson(answer)) {
            if (ok) {
                root.out().printf("Audit chain intact: %d entries, head %s%n", answer.get("entries").asLong(),
                        answer.get("head_hash").asString());
            } else {
                JsonNode broken = answer.get("first_broken");
                root.out().printf("Audit chain BROKEN at entry %d: %s%n", broken.get("seq").asLong(),
                        broken.get("reason").asString());
            }
        }
        return ok ? 0 : CliFailure.REFUSED;
    }
}
