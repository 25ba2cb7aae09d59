package dev.tocsin.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

import dev.tocsin.text.SqlText;

/**
 * Who tries to sign in as whom: the user name as typed and the client's address. The name is whatever a client sends,
 * so it is cut to what the table holds (no user id is that long) and a NUL, which PostgreSQL refuses, is replaced.
 */
record SignInSource(String userName, String clientAddress) {

    static final int NAME_LENGTH = 200;
    static final int ADDRESS_LENGTH = 100;

    /** User ids are lower case; "Ana" must not be a fresh set of guesses at "ana". */
    static SignInSource of(String username, String remoteAddress) {
        String name = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        String address = remoteAddress == null ? "" : client(remoteAddress);
        return new SignInSource(SqlText.storable(SqlText.truncate(name, NAME_LENGTH)),
                SqlText.storable(SqlText.truncate(address, ADDRESS_LENGTH)));
    }

    /**
     * An IPv4 address as it is; an IPv6 address as its /64 ("2001:db8:1:2::/64"). A subscriber is given a /64 at least
     * and may use any address in it, so counted address by address one guesser would be a fresh client at every try.
     */
    static String client(String remoteAddress) {
        if (remoteAddress.indexOf(':') < 0) {
            return remoteAddress;
        }
        int zone = remoteAddress.indexOf('%');
        String literal = zone < 0 ? remoteAddress : remoteAddress.substring(0, zone);
        if (!literal.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            return remoteAddress; // not an address a proxy would send: never a name to look up
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException | SecurityException notAnAddress) {
            return remoteAddress;
        }
        if (bytes.length != 16) {
            return remoteAddress;
        }
        byte[] prefix = Arrays.copyOf(bytes, 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
        } catch (UnknownHostException cannotHappen) {
            return remoteAddress;
        }
    }
}
