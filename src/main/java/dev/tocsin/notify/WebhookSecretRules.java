package dev.tocsin.notify;

import java.util.ArrayList;
import java.util.List;

import dev.tocsin.config.ConfigRules;
import dev.tocsin.config.TocsinConfig;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Webhook secrets, checked as {@link WebhookSignatures} reads them: a {@code whsec_} secret that is not base64 would
 * otherwise fail every message to its destination, one by one, instead of the file once.
 */
@Component
@Order(4)
public final class WebhookSecretRules implements ConfigRules {

    @Override
    public List<String> problems(TocsinConfig config) {
        List<String> problems = new ArrayList<>();
        List<TocsinConfig.Channel> channels = config.notifications().channels();
        for (int i = 0; i < channels.size(); i++) {
            TocsinConfig.Channel c = channels.get(i);
            // A degraded channel's secret may still hold an unset ${VARIABLE}; that channel sends nothing.
            if (!c.degraded()) {
                check("channels[" + i + "].secret", c.secret(), problems);
                check("channels[" + i + "].previous_secret", c.previousSecret(), problems);
            }
        }
        List<TocsinConfig.User> users = config.users();
        for (int i = 0; i < users.size(); i++) {
            List<TocsinConfig.ContactMethod> methods = users.get(i).contactMethods();
            for (int j = 0; j < methods.size(); j++) {
                String path = "users[" + i + "].contact_methods[" + j + "]";
                check(path + ".secret", methods.get(j).secret(), problems);
                check(path + ".previous_secret", methods.get(j).previousSecret(), problems);
            }
        }
        return problems;
    }

    private static void check(String path, String secret, List<String> problems) {
        // An empty secret is the loader's to refuse; it has no format to check here.
        if (secret == null || secret.isEmpty()) {
            return;
        }
        String problem = WebhookSignatures.secretProblem(secret);
        if (problem != null) {
            problems.add(path + ": " + problem);
        }
    }
}
