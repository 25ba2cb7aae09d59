package dev.tocsin.alert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.problem.NotFoundException;
import dev.tocsin.text.SqlText;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * The URL a cron job pings when it succeeds ({@code curl -fsS …/api/v1/heartbeat/KEY/nightly-backup}), and, as
 * healthchecks.io's, when it fails: {@code …/nightly-backup/fail}, or its exit status ({@code …/nightly-backup/$?},
 * 0 for success). GET, HEAD and POST all count, so any HTTP client works; a POST's body is kept with a failure as the
 * job's log.
 */
@RestController
class HeartbeatController {

    /** The end of a job's output is what says why it failed: that much is kept. */
    static final int MAX_LOG = 10_000;

    private final IntegrationIntake intake;

    HeartbeatController(IntegrationIntake intake) {
        this.intake = intake;
    }

    @RequestMapping(path = "/api/v1/heartbeat/{integrationKey}/{name}",
            method = {RequestMethod.GET, RequestMethod.HEAD, RequestMethod.POST})
    ResponseEntity<String> ping(@PathVariable String integrationKey, @PathVariable String name) {
        return submit(declared(integrationKey, name), name, false, null);
    }

    @RequestMapping(path = "/api/v1/heartbeat/{integrationKey}/{name}/{outcome}",
            method = {RequestMethod.GET, RequestMethod.HEAD, RequestMethod.POST})
    ResponseEntity<String> report(@PathVariable String integrationKey, @PathVariable String name,
                                  @PathVariable String outcome, HttpServletRequest request) throws IOException {
        TocsinConfig.Service service = declared(integrationKey, name);
        boolean failed = failed(outcome);
        // The body as sent, whatever its Content-Type: curl --data-binary @job.log says it is a form, and Spring would
        // hand a form over decoded and re-encoded (a '%' in the log refused, a '+' turned into a space).
        byte[] body = failed && "POST".equals(request.getMethod()) ? request.getInputStream().readAllBytes() : null;
        return submit(service, name, failed, failed ? log(body) : null);
    }

    /** {@code fail}, or an exit status: 0 succeeded, 1 to 255 failed. */
    private static boolean failed(String outcome) {
        if (outcome.equals("fail")) {
            return true;
        }
        int status = outcome.matches("\\d{1,3}") ? Integer.parseInt(outcome) : -1;
        if (status < 0 || status > 255) {
            throw new InvalidInputException("outcome", "expected 'fail' or an exit status from 0 to 255 after the "
                    + "heartbeat's name, got '" + outcome + "'");
        }
        return status != 0;
    }

    /** The key's service, which must declare the heartbeat: 404 otherwise, before anything else is said of the request. */
    private TocsinConfig.Service declared(String integrationKey, String name) {
        TocsinConfig.Service service = intake.admit(integrationKey, "heartbeat");
        if (service.heartbeats().stream().noneMatch(h -> h.name().equals(name))) {
            throw new NotFoundException("service '" + service.id() + "' declares no heartbeat named '" + name + "'");
        }
        return service;
    }

    private ResponseEntity<String> submit(TocsinConfig.Service service, String name, boolean failed, String log) {
        intake.submitAll(List.of(new Intake.HeartbeatPing(service.id(), name, failed, log)), "heartbeat");
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body("OK\n");
    }

    /**
     * The tail of what the job sent, as it came: a failure is recorded whatever its log holds, so bytes that are not
     * UTF-8 and characters no database stores are replaced, not refused.
     */
    private static String log(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return null;
        }
        if (text.length() > MAX_LOG) {
            text = "…" + text.substring(text.length() - (MAX_LOG - 1));
        }
        return SqlText.storable(text);
    }
}
