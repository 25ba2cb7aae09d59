package dev.tocsin.timeline;

import java.util.List;

import dev.tocsin.problem.InvalidInputException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The ledger itself: page through it, and check that no entry was altered, removed or reordered. */
@RestController
class AuditController {

    private final Timeline timeline;

    AuditController(Timeline timeline) {
        this.timeline = timeline;
    }

    @GetMapping("/api/v1/audit/verify")
    ChainVerification verify() {
        return timeline.verify();
    }

    @GetMapping("/api/v1/audit/events")
    List<TimelineEvent> events(@RequestParam(defaultValue = "0") long after, @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new InvalidInputException("limit", "between 1 and 1000");
        }
        return timeline.page(after, limit);
    }
}
