package dev.tocsin.problem;

import java.io.IOException;
import java.util.Arrays;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The limit on request bodies (PagerDuty's 512 KB by default): refused at once when Content-Length says so, and by
 * counting when the body is chunked, so that no request can make us buffer more than the limit. One rule for the
 * filter in front of Spring MVC (RequestSizeLimitFilter) and for the Events API, which is served ahead of it.
 */
public final class BodyLimit {

    /** The body is over the limit; the answer is 413. */
    public static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }

    private final long limit;

    public BodyLimit(long limit) {
        this.limit = limit;
    }

    /** The whole body, or {@link TooLargeException} as soon as it is known to be over the limit. */
    public byte[] readAll(HttpServletRequest request) throws IOException {
        checkDeclared(request);
        long declared = request.getContentLengthLong();
        try (ServletInputStream in = limited(request).getInputStream()) {
            if (declared < 0 || declared > Integer.MAX_VALUE) {
                return in.readAllBytes();
            }
            // A declared length, within the limit: one array of that size, filled in place. readAllBytes reads into
            // 8 KB buffers, reads once more to find the end and copies, which is most of what an intake request
            // allocates besides its JSON.
            byte[] body = new byte[(int) declared];
            int read = in.readNBytes(body, 0, body.length);
            return read == body.length ? body : Arrays.copyOf(body, read);
        }
    }

    /** Answers 413 in the problem shape every endpoint uses, and closes the connection rather than read the rest. */
    public static void refuse(HttpServletResponse response, Throwable cause) throws IOException {
        response.setHeader("Connection", "close");
        ProblemResponses.write(response, 413, "Payload too large", message(cause));
    }

    public void checkDeclared(HttpServletRequest request) throws TooLargeException {
        if (request.getContentLengthLong() > limit) {
            throw new TooLargeException("the request body is " + request.getContentLengthLong() + " bytes; the limit is "
                    + limit + " bytes");
        }
    }

    /** The request, with a body stream that fails once more than the limit has been read. */
    public HttpServletRequest limited(HttpServletRequest request) {
        return new LimitedRequest(request, limit);
    }

    public static boolean isTooLarge(Throwable e) {
        return tooLarge(e) != null;
    }

    public static String message(Throwable e) {
        TooLargeException cause = tooLarge(e);
        return cause != null ? cause.getMessage() : "the request body is too large";
    }

    private static TooLargeException tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TooLargeException tooLarge) {
                return tooLarge;
            }
        }
        return null;
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new CountingStream(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class CountingStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long count;

        CountingStream(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(int n) throws TooLargeException {
            count += n;
            if (count > limit) {
                throw new TooLargeException("the request body is larger than the limit of " + limit + " bytes");
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
