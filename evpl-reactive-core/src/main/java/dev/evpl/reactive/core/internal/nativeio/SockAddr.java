package dev.evpl.reactive.core.internal.nativeio;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * Layouts of {@code sockaddr_in} (16 bytes), {@code sockaddr_in6} (28 bytes) and
 * {@code sockaddr_un} (110 bytes), written to and read from caller-owned native memory of at
 * least {@link #MAX_SIZE} bytes.
 *
 * <p>The family is in host byte order; ports and IPv4/IPv6 addresses in network order. A unix path
 * starting with {@code '@'} names an abstract socket (leading NUL byte, no terminator, length
 * counts exactly the name).
 */
public final class SockAddr {
    private SockAddr() {
    }

    public static final int IN_SIZE = 16;
    public static final int IN6_SIZE = 28;
    public static final int UN_SIZE = 110;
    /** Room for any of the three; the size of a {@code sockaddr_storage} is 128. */
    public static final int MAX_SIZE = 128;
    /** Longest unix path (bytes) including its terminating NUL. */
    public static final int UN_PATH_MAX = 108;

    private static final int FAMILY = 0;
    private static final int PORT = 2;
    private static final int IN_ADDR = 4;
    private static final int IN6_FLOWINFO = 4;
    private static final int IN6_ADDR = 8;
    private static final int IN6_SCOPE = 24;
    private static final int UN_PATH = 2;

    /** Writes an IP socket address; returns its length. The address must be resolved. */
    public static int writeInet(long to, InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        int port = address.getPort();
        byte[] raw = ip.getAddress();
        if (ip instanceof Inet4Address) {
            NativeMemory.zero(to, IN_SIZE);
            NativeMemory.putShort(to + FAMILY, (short) Linux.AF_INET);
            putPort(to, port);
            NativeMemory.put(to + IN_ADDR, raw, 0, 4);
            return IN_SIZE;
        }
        NativeMemory.zero(to, IN6_SIZE);
        NativeMemory.putShort(to + FAMILY, (short) Linux.AF_INET6);
        putPort(to, port);
        NativeMemory.putInt(to + IN6_FLOWINFO, 0);
        NativeMemory.put(to + IN6_ADDR, raw, 0, 16);
        NativeMemory.putInt(to + IN6_SCOPE, ((Inet6Address) ip).getScopeId());
        return IN6_SIZE;
    }

    private static void putPort(long to, int port) {
        NativeMemory.putByte(to + PORT, (byte) (port >>> 8));
        NativeMemory.putByte(to + PORT + 1, (byte) port);
    }

    /** The address family stored at {@code from}. */
    public static int family(long from) {
        return NativeMemory.getShort(from + FAMILY) & 0xFFFF;
    }

    /** Reads an {@code AF_INET} or {@code AF_INET6} address. */
    public static InetSocketAddress readInet(long from) {
        int family = family(from);
        int port = ((NativeMemory.getByte(from + PORT) & 0xFF) << 8) | (NativeMemory.getByte(from + PORT + 1) & 0xFF);
        try {
            if (family == Linux.AF_INET) {
                byte[] raw = new byte[4];
                NativeMemory.get(from + IN_ADDR, raw, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(raw), port);
            }
            if (family == Linux.AF_INET6) {
                byte[] raw = new byte[16];
                NativeMemory.get(from + IN6_ADDR, raw, 0, 16);
                int scope = NativeMemory.getInt(from + IN6_SCOPE);
                return new InetSocketAddress(Inet6Address.getByAddress(null, raw, scope), port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("raw address of wrong length", e);
        }
        throw new IllegalArgumentException("not an IP socket address: family " + family);
    }

    /**
     * Writes a unix address: a filesystem path, or an abstract name when {@code path} starts with
     * {@code '@'}. Returns the length to pass to bind/connect.
     */
    public static int writeUnix(long to, String path) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = bytes.length > 0 && bytes[0] == '@';
        if (bytes.length == 0 || bytes.length >= UN_PATH_MAX) {
            throw new IllegalArgumentException("unix socket path must be 1.." + (UN_PATH_MAX - 1)
                    + " bytes, got " + bytes.length + ": " + path);
        }
        NativeMemory.zero(to, UN_SIZE);
        NativeMemory.putShort(to + FAMILY, (short) Linux.AF_UNIX);
        if (abstractName) {
            // Abstract names start with a NUL and are not terminated: the length says where they end.
            NativeMemory.putByte(to + UN_PATH, (byte) 0);
            NativeMemory.put(to + UN_PATH + 1, bytes, 1, bytes.length - 1);
            return UN_PATH + bytes.length;
        }
        NativeMemory.put(to + UN_PATH, bytes, 0, bytes.length);
        return UN_PATH + bytes.length + 1;
    }

    /** Reads a unix address of {@code length} bytes (as returned by getsockname/accept). */
    public static String readUnix(long from, int length) {
        int pathLength = length - UN_PATH;
        if (pathLength <= 0) {
            return "";
        }
        byte[] bytes = new byte[pathLength];
        NativeMemory.get(from + UN_PATH, bytes, 0, pathLength);
        if (bytes[0] == 0) {
            bytes[0] = '@';
            return new String(bytes, StandardCharsets.UTF_8);
        }
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
