package dev.tocsin;

import java.io.IOException;
import java.net.ServerSocket;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;

/**
 * The real receivers the test configuration points at, one set per JVM: the loopback HTTP sink, a GreenMail SMTP
 * server, and a port nobody listens on. Their addresses reach {@code test-tocsin.yml} as the system properties it
 * references ({@code ${TOCSIN_TEST_SINK}} …), set before any application context starts.
 */
public final class TestReceivers {

    private static GreenMail mail;

    private TestReceivers() {
    }

    public static synchronized void start() {
        if (mail != null) {
            return;
        }
        LoopbackSink sink = LoopbackSink.shared();
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        mail.start();
        System.setProperty("TOCSIN_TEST_SINK", sink.baseUrl());
        System.setProperty("TOCSIN_TEST_SMTP_PORT", Integer.toString(mail.getSmtp().getPort()));
        int closed = closedPort();
        System.setProperty("TOCSIN_TEST_DOWN", "http://127.0.0.1:" + closed);
        System.setProperty("TOCSIN_TEST_CLOSED_PORT", Integer.toString(closed));
        System.setProperty("TOCSIN_TEST_REDIS_PORT", Integer.toString(FakeRedis.start()));
        System.setProperty("TOCSIN_TEST_PG_PORT", Integer.toString(EmbeddedPostgresSupport.port()));
    }

    public static GreenMail mail() {
        start();
        return mail;
    }

    public static LoopbackSink sink() {
        start();
        return LoopbackSink.shared();
    }

    /** A port that was free a moment ago and has no listener: connections to it are refused. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
