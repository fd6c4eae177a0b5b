package dev.evpl.reactive.core.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evpl.reactive.core.EventLoop;
import dev.evpl.reactive.core.EventLoopGroup;
import dev.evpl.reactive.core.GroupConfig;
import dev.evpl.reactive.core.buffer.Segment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** DATAGRAM_SOCKET_UDP over loopback, content-verified, with the JDK's DatagramSocket as a peer. */
class DatagramBindTest {
    private EventLoopGroup group;

    @BeforeEach
    void loops() {
        group = EventLoopGroup.create(GroupConfig.builder().threads(2).build());
    }

    @AfterEach
    void close() {
        group.close();
    }

    private DatagramBind open(int loop) {
        return DatagramBind.open(group.loop(loop), Protocol.DATAGRAM_SOCKET_UDP, Endpoint.inet("127.0.0.1", 0))
                .block(Duration.ofSeconds(5));
    }

    @Test
    void windowedEchoOfManyDatagramsKeepsEachOnesContentAndSender() {
        windowedEcho(open(1), open(0));
    }

    @Test
    void inProcessDatagramsTooWithQueueLimitsAndClearErrors() {
        DatagramBind server = DatagramBind.open(group.loop(1), Protocol.DATAGRAM_INPROC, Endpoint.inproc("dg-server"))
                .block(Duration.ofSeconds(5));
        DatagramBind client = DatagramBind.open(group.loop(0), Protocol.DATAGRAM_INPROC, Endpoint.inproc("dg-client"))
                .block(Duration.ofSeconds(5));
        assertThat(server.localAddress().toString()).isEqualTo("inproc:dg-server");
        assertThatThrownBy(() -> DatagramBind.open(group.loop(0), Protocol.DATAGRAM_INPROC, Endpoint.inproc("dg-server"))
                .block(Duration.ofSeconds(5))).hasMessage("in-process name 'dg-server' is already bound");
        Segment nowhere = Mono.fromCallable(() -> group.loop(0).allocator().allocate(4)).subscribeOn(group.loop(0)).block();
        assertThatThrownBy(() -> client.send(new Datagram(nowhere, new InetSocketAddress("127.0.0.1", 9))).block(Duration.ofSeconds(5)))
                .hasMessage("no in-process datagram bind at /127.0.0.1:9");
        windowedEcho(server, client);
    }

    private void windowedEcho(DatagramBind server, DatagramBind client) {
        // Echo server: every datagram straight back to its sender, zero-copy.
        server.receive().flatMap(server::send, 256).subscribe();
        EventLoop loop = client.loop();
        int count = 5000;
        int window = 16;
        // UDP has no flow control: like loadgen's udp mode, keep a window of datagrams in flight and
        // send the next one per echo, so the kernel's buffers never overflow and any loss is a bug.
        java.util.Set<String> outstanding = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        List<String> got = new CopyOnWriteArrayList<>();
        Runnable sendNext = () -> {
            int i = sent.getAndIncrement();
            if (i < count) {
                String text = "datagram-" + i;
                outstanding.add(text);
                client.send(new Datagram(loop.allocator().copyOf(text.getBytes(StandardCharsets.US_ASCII)),
                        server.localAddress())).subscribe();
            }
        };
        Mono<Void> received = client.receive()
                .doOnNext(d -> {
                    try {
                        assertThat(d.address()).isEqualTo(server.localAddress());
                        String text = d.data().toString(StandardCharsets.US_ASCII);
                        assertThat(outstanding.remove(text)).as("echo of an outstanding datagram: " + text).isTrue();
                        got.add(text);
                    } finally {
                        d.data().release();
                    }
                    sendNext.run();
                })
                .take(count)
                .then();
        Mono.fromRunnable(() -> {
            for (int i = 0; i < window; i++) {
                sendNext.run();
            }
        }).subscribeOn(loop).subscribe();
        try {
            received.block(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            throw new AssertionError("received " + got.size() + " of " + count, e);
        }
        assertThat(got).hasSize(count).doesNotHaveDuplicates();
        assertThat(outstanding).isEmpty();
        client.close();
        server.close();
        client.onClose().block(Duration.ofSeconds(5));
    }

    @Test
    void ipv6WindowedEchoAndAddressFamilyChecks() throws Exception {
        DatagramBind server = DatagramBind.open(group.loop(1), Protocol.DATAGRAM_SOCKET_UDP, Endpoint.inet("::1", 0))
                .block(Duration.ofSeconds(5));
        DatagramBind client = DatagramBind.open(group.loop(0), Protocol.DATAGRAM_SOCKET_UDP, Endpoint.inet("::1", 0))
                .block(Duration.ofSeconds(5));
        assertThat(((InetSocketAddress) server.localAddress()).getAddress()).isEqualTo(InetAddress.getByName("::1"));
        Segment wrongFamily = Mono.fromCallable(() -> group.loop(0).allocator().allocate(4)).subscribeOn(group.loop(0)).block();
        assertThatThrownBy(() -> client.send(new Datagram(wrongFamily, new InetSocketAddress("127.0.0.1", 9)))
                .block(Duration.ofSeconds(5))).hasMessage("this IPv6 UDP bind cannot send to /127.0.0.1:9");
        windowedEcho(server, client);
    }

    @Test
    void interoperatesWithTheJdkAndReportsTheSender() throws Exception {
        DatagramBind bind = open(0);
        try (DatagramSocket jdk = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Mono<Datagram> first = bind.receive().next().cache();
            first.subscribe();
            byte[] hello = "hello udp".getBytes(StandardCharsets.US_ASCII);
            jdk.send(new DatagramPacket(hello, hello.length, bind.localAddress()));
            Datagram d = first.block(Duration.ofSeconds(5));
            assertThat(d.address()).isEqualTo(jdk.getLocalSocketAddress());
            assertThat(d.data().toString(StandardCharsets.US_ASCII)).isEqualTo("hello udp");
            // Answer with the same segment (ownership moves to send).
            Completion c = bind.send(new Datagram(d.data(), d.address())).block(Duration.ofSeconds(5));
            assertThat(c).isEqualTo(new Completion(9, 1));
            DatagramPacket p = new DatagramPacket(new byte[64], 64);
            jdk.setSoTimeout(5000);
            jdk.receive(p);
            assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII)).isEqualTo("hello udp");
        }
        bind.close();
    }

    @Test
    void invalidConfigurationFailsClearly() {
        assertThatThrownBy(() -> DatagramBind.open(group.loop(0), Protocol.DATAGRAM_SOCKET_UDP, Endpoint.inet("127.0.0.1", 0), 100_000)
                .block(Duration.ofSeconds(5)))
                .hasMessageStartingWith("maxDatagram must be between 1 and ").hasMessageEndingWith(" (65536 and the buffer size), got 100000");
        assertThatThrownBy(() -> DatagramBind.open(group.loop(0), Protocol.STREAM_SOCKET_TCP, Endpoint.inet("127.0.0.1", 0))
                .block(Duration.ofSeconds(5)))
                .hasMessage("STREAM_SOCKET_TCP is a stream protocol: use a Listener or Bind.connect");
        DatagramBind small = DatagramBind.open(group.loop(0), Protocol.DATAGRAM_SOCKET_UDP, Endpoint.inet("127.0.0.1", 0), 16)
                .block(Duration.ofSeconds(5));
        Segment big = Mono.fromCallable(() -> group.loop(0).allocator().allocate(17)).subscribeOn(group.loop(0)).block();
        assertThatThrownBy(() -> small.send(new Datagram(big, small.localAddress())).block(Duration.ofSeconds(5)))
                .hasMessage("datagram of 17 bytes exceeds maxDatagram 16");
        small.close();
    }
}
