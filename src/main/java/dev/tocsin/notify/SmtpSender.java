package dev.tocsin.notify;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.text.SqlText;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;

/**
 * Sends e-mail over the SMTP server of the configuration: plain text and HTML alternatives, with threading headers
 * so that every message about one incident lands in one conversation (In-Reply-To and References name the
 * incident's thread; Gmail, Outlook and Apple Mail all follow them).
 */
@Component
class SmtpSender {

    private final TocsinConfig.Smtp smtp;
    private final JavaMailSenderImpl mail;
    private final String domain;

    SmtpSender(TocsinConfig config, @Value("${tocsin.delivery.timeout:10s}") Duration timeout) {
        this.smtp = config.notifications().smtp();
        this.mail = new JavaMailSenderImpl();
        String from = smtp == null ? "tocsin@localhost" : smtp.from();
        this.domain = from.replaceAll(".*@", "").replaceAll("[>\\s]", "");
        if (smtp != null) {
            mail.setHost(smtp.host());
            mail.setPort(smtp.port());
            mail.setUsername(smtp.username());
            mail.setPassword(smtp.password());
            mail.setDefaultEncoding("UTF-8");
            Properties p = mail.getJavaMailProperties();
            String millis = Long.toString(timeout.toMillis());
            p.put("mail.smtp.connectiontimeout", millis);
            p.put("mail.smtp.timeout", millis);
            p.put("mail.smtp.writetimeout", millis);
            p.put("mail.smtp.auth", Boolean.toString(smtp.username() != null));
            if ("starttls".equals(smtp.security())) {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
            } else if ("tls".equals(smtp.security())) {
                p.put("mail.smtp.ssl.enable", "true");
            }
            p.put("mail.smtp.ssl.checkserveridentity", "true");
        }
    }

    Outcome send(Destinations.Destination d, Payloads.Email email, OutboxMessage row) {
        try {
            MimeMessage message = new ThreadedMessage(mail.getSession(),
                    "<tocsin." + row.id() + "." + row.idempotencyKey().hashCode() + "@" + domain + ">");
            MimeMessageHelper helper = new MimeMessageHelper(message, true, StandardCharsets.UTF_8.name());
            helper.setFrom(smtp.from());
            helper.setTo(d.to().toArray(String[]::new));
            helper.setSubject(email.subject());
            helper.setText(email.text(), email.html());
            if (row.incidentId() != null) {
                String thread = "<tocsin.incident." + row.incidentId() + "@" + domain + ">";
                message.setHeader("In-Reply-To", thread);
                message.setHeader("References", thread);
            }
            message.setHeader("X-Tocsin-Idempotency-Key", row.idempotencyKey());
            mail.send(message);
            return Outcome.sent(null);
        } catch (MailAuthenticationException e) {
            return Outcome.failed(null, "SMTP authentication failed: check smtp.username and smtp.password");
        } catch (MailSendException e) {
            for (Exception cause : e.getFailedMessages().values()) {
                if (cause instanceof SendFailedException refused && refused.getInvalidAddresses() != null
                        && refused.getInvalidAddresses().length > 0) {
                    return Outcome.failed(null, "the SMTP server refused the recipient: " + firstLine(refused.getMessage()));
                }
            }
            return Outcome.retry(null, "SMTP: " + firstLine(e.getMessage()), null);
        } catch (MailException | MessagingException e) {
            return Outcome.retry(null, "SMTP: " + firstLine(e.getMessage()), null);
        }
    }

    private static String firstLine(String s) {
        return s == null ? "no detail" : SqlText.abbreviate(s.lines().findFirst().orElse(s), 300);
    }

    /** A MimeMessage that keeps the Message-ID we give it instead of inventing one when saved. */
    private static final class ThreadedMessage extends MimeMessage {
        private final String messageId;

        ThreadedMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
