package dev.tocsin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis stand-in on loopback that speaks enough RESP for a health check: AUTH (password
 * {@value #PASSWORD}) and PING. No Redis server is installed here; this is a real TCP server with the real
 * protocol, so the monitor's own bytes are what is tested.
 */
public final class FakeRedis {

    public static final String PASSWORD = "test-redis-password";

    private FakeRedis() {
    }

    /** Starts the server on a free port and returns the port. */
    public static int start() {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        Thread c = new Thread(() -> serve(client), "fake-redis-client");
                        c.setDaemon(true);
                        c.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "fake-redis");
            t.setDaemon(true);
            t.start();
            return server.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void serve(Socket client) {
        try (client; BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
             OutputStream out = client.getOutputStream()) {
            boolean authenticated = false;
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("*")) {
                    continue;
                }
                int n = Integer.parseInt(line.substring(1));
                List<String> args = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    in.readLine(); // $length
                    args.add(in.readLine());
                }
                String reply = switch (args.get(0).toUpperCase()) {
                    case "AUTH" -> {
                        authenticated = PASSWORD.equals(args.get(args.size() - 1));
                        yield authenticated ? "+OK" : "-WRONGPASS invalid username-password pair";
                    }
                    case "PING" -> authenticated ? "+PONG" : "-NOAUTH Authentication required.";
                    default -> "-ERR unknown command";
                };
                out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }
}
