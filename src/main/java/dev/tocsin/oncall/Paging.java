package dev.tocsin.oncall;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tocsin.auth.AcknowledgeLinks;
import dev.tocsin.config.Durations;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.engine.TimerHandler;
import dev.tocsin.engine.Timers;
import dev.tocsin.incident.Incident;
import dev.tocsin.incident.IncidentService;
import dev.tocsin.notify.MessageFacts;
import dev.tocsin.notify.Outbox;
import dev.tocsin.text.SqlText;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns a page of a user into messages by that user's notification rules: the rules due at once become outbox rows
 * in the paging transaction, the later ones ("after 5 min by e-mail") become timers that enqueue their message only
 * if the incident is still waiting for an acknowledgement in the same escalation generation.
 */
@Component
class Paging implements TimerHandler {

    static final String NAME = "notify";

    private final EscalationRepository escalations;
    private final TocsinConfig config;
    private final Outbox outbox;
    private final AcknowledgeLinks ackLinks;
    private final IncidentService incidents;
    private final Timeline timeline;
    private final Timers timers;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final MessageFacts facts;

    Paging(EscalationRepository escalations, TocsinConfig config, Outbox outbox, AcknowledgeLinks ackLinks,
           IncidentService incidents, Timeline timeline, @Lazy Timers timers, TransactionTemplate tx, Clock clock,
           MessageFacts facts) {
        this.escalations = escalations;
        this.config = config;
        this.outbox = outbox;
        this.ackLinks = ackLinks;
        this.incidents = incidents;
        this.timeline = timeline;
        this.timers = timers;
        this.tx = tx;
        this.clock = clock;
        this.facts = facts;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Enqueues the user's immediate notifications and sets timers for the delayed ones; returns a summary of each
     * for the timeline ({@code contact_method}, {@code channel}, {@code after}).
     */
    List<Map<String, Object>> notifyPaged(long pageId, Incident incident, String userId, int level, String levelName,
                                          String reason, Instant now) {
        TocsinConfig.User user = config.user(userId).orElse(null);
        List<Map<String, Object>> summary = new ArrayList<>();
        if (user == null) {
            return summary;
        }
        List<TocsinConfig.NotificationRule> rules = user.notificationRules();
        for (int i = 0; i < rules.size(); i++) {
            TocsinConfig.NotificationRule rule = rules.get(i);
            TocsinConfig.ContactMethod method = user.contactMethod(rule.contactMethod()).orElseThrow();
            if (rule.after().isZero()) {
                enqueue(pageId, i, incident, user, method, level, levelName, reason, now);
            } else {
                timers.set(NAME, pageId + ":" + i, now.plus(rule.after()));
            }
            summary.add(describe(userId, method, rule));
        }
        return summary;
    }

    /** Timer {@code <page>:<rule>}: a delayed notification rule came due. */
    @Override
    public void fire(String instance, Instant dueAt) {
        int colon = instance.indexOf(':');
        long pageId = Long.parseLong(instance.substring(0, colon));
        int ruleIndex = Integer.parseInt(instance.substring(colon + 1));
        tx.executeWithoutResult(status -> {
            timeline.lock();
            EscalationRepository.Page page = escalations.page(pageId).orElse(null);
            if (page == null) {
                return;
            }
            EscalationRepository.Escalation e = escalations.find(page.incidentId()).orElse(null);
            // Acknowledged, resolved or restarted since the page: this reminder is no longer wanted.
            if (e == null || e.state() != EscalationState.ACTIVE && e.state() != EscalationState.EXHAUSTED
                    || e.generation() != page.generation()) {
                return;
            }
            TocsinConfig.User user = config.user(page.userId()).orElse(null);
            if (user == null || ruleIndex >= user.notificationRules().size()) {
                return;
            }
            TocsinConfig.NotificationRule rule = user.notificationRules().get(ruleIndex);
            TocsinConfig.ContactMethod method = user.contactMethod(rule.contactMethod()).orElse(null);
            if (method == null) {
                return;
            }
            Incident incident = incidents.get(page.incidentId());
            String reason = "still unacknowledged " + Durations.format(rule.after()) + " after the page";
            if (enqueue(pageId, ruleIndex, incident, user, method, page.level(), "level " + page.level(), reason,
                    clock.instant())) {
                timeline.append(new NewEvent("incident.notified", Actor.system("notification-rules"), incident.id(), null,
                        incident.serviceId(), describe(user.id(), method, rule)));
            }
        });
    }

    /** How a notification is recorded on the timeline. */
    private static Map<String, Object> describe(String userId, TocsinConfig.ContactMethod method,
                                                TocsinConfig.NotificationRule rule) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user", userId);
        data.put("contact_method", method.id());
        data.put("channel", method.type().wire());
        data.put("after", Durations.format(rule.after()));
        return data;
    }

    /** Voids the delayed notifications of an escalation generation (acknowledged, resolved). */
    void cancelDelayed(long incidentId, int generation) {
        for (EscalationRepository.Page page : escalations.pages(incidentId)) {
            if (page.generation() != generation) {
                continue;
            }
            config.user(page.userId()).ifPresent(user -> {
                for (int i = 0; i < user.notificationRules().size(); i++) {
                    if (!user.notificationRules().get(i).after().isZero()) {
                        timers.cancel(NAME, page.id() + ":" + i);
                    }
                }
            });
        }
    }

    private boolean enqueue(long pageId, int ruleIndex, Incident incident, TocsinConfig.User user,
                            TocsinConfig.ContactMethod method, int level, String levelName, String reason, Instant now) {
        String service = config.service(incident.serviceId()).map(TocsinConfig.Service::name).orElse(incident.serviceId());
        Map<String, Object> body = facts.of(incident, now);
        body.put("user", user.id());
        body.put("user_name", user.name());
        body.put("level", level);
        body.put("level_name", levelName);
        body.put("reason", reason);
        body.put("acknowledge_url", ackLinks.forUser(incident.id(), user.id(), now));
        return outbox.enqueue(new Outbox.NewMessage("page:" + pageId + ":rule:" + ruleIndex, incident.id(), user.id(),
                method.type().wire(), Outbox.userDestination(user.id(), method.id()), "page",
                SqlText.abbreviate("[" + incident.severity() + "] " + service + ": " + incident.title(), 1024), body));
    }
}
