package dev.tocsin.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.timeline.Actor;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The "Acknowledge" links in messages, signed so that nobody can forge one and expiring after
 * {@code tocsin.ack-link-ttl}. A page's link acknowledges as the paged person; a channel message's link as
 * "someone in that channel" ({@code channel:incidents-slack} on the timeline), as with PagerDuty's chat buttons.
 */
@Component
public class AcknowledgeLinks {

    /** Whom a valid link acknowledges as. */
    public record Link(long incidentId, Actor actor) {
    }

    private static final String PURPOSE = "ack";
    private static final String CHANNEL = "channel:";

    private final SignedTokens tokens;
    private final TocsinConfig config;
    private final String publicUrl;
    private final Duration ttl;

    AcknowledgeLinks(SignedTokens tokens, TocsinConfig config, @Value("${tocsin.public-url}") String publicUrl,
                     @Value("${tocsin.ack-link-ttl:24h}") Duration ttl) {
        this.tokens = tokens;
        this.config = config;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        this.ttl = ttl;
    }

    public String forUser(long incidentId, String userId, Instant now) {
        return url(incidentId + ":" + userId, now);
    }

    public String forChannel(long incidentId, String channelId, Instant now) {
        return url(incidentId + ":" + CHANNEL + channelId, now);
    }

    /**
     * The link's incident and actor, if the token is genuine, has not expired, and its person may still act: a link
     * sent before its person became an observer (a restart with a changed file) acknowledges nothing in their name.
     */
    public Optional<Link> verify(String token) {
        return tokens.verify(PURPOSE, token).flatMap(v -> {
            int colon = v.subject().indexOf(':');
            try {
                long incident = Long.parseLong(v.subject().substring(0, colon));
                String who = v.subject().substring(colon + 1);
                if (!who.startsWith(CHANNEL) && config.user(who).filter(TocsinConfig.User::isObserver).isPresent()) {
                    return Optional.empty();
                }
                Actor actor = who.startsWith(CHANNEL) ? new Actor(who) : Actor.user(who);
                return Optional.of(new Link(incident, actor));
            } catch (RuntimeException malformed) {
                return Optional.empty();
            }
        });
    }

    private String url(String subject, Instant now) {
        return publicUrl + "/ack/" + tokens.sign(PURPOSE, subject, now.plus(ttl));
    }
}
