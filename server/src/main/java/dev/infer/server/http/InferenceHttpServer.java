package dev.infer.server.http;

import dev.infer.server.serving.ServedModel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP front end's lifecycle only: bind, report the port, drain, shut down. Epoll where available, else NIO.
 * The request logic lives in {@link HttpInitializer}'s pipeline. Closing does not close the served model.
 */
public final class InferenceHttpServer implements AutoCloseable {
    private final HttpServerConfig config;
    private final ServingContext context;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel listener;

    public InferenceHttpServer(HttpServerConfig config, ServedModel model) {
        this.config = config;
        this.context = new ServingContext(model, config.apiKey());
    }

    public synchronized InferenceHttpServer start() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerSocketChannel> channel = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        boss = new MultiThreadIoEventLoopGroup(1, io);
        workers = new MultiThreadIoEventLoopGroup(io);
        try {
            listener = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(channel)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_SNDBUF, config.sendBufferBytes() > 0 ? config.sendBufferBytes() : null)
                    .childHandler(new HttpInitializer(context, config.maxBodyBytes(), config.streams()))
                    .bind(config.host(), config.port()).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /** The bound port (the real one when started with port 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public String transport() {
        return Epoll.isAvailable() ? "epoll" : "nio";
    }

    /** Stops accepting connections; requests on open connections are answered 503. */
    public void beginDrain() {
        context.startDraining();
        if (listener != null) {
            listener.close().awaitUninterruptibly();
        }
    }

    public ServingContext context() {
        return context;
    }

    @Override
    public synchronized void close() {
        beginDrain();
        try {
            if (workers != null) {
                workers.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS).awaitUninterruptibly();
            }
        } finally {
            if (boss != null) {
                boss.shutdownGracefully(0, 1_000, TimeUnit.MILLISECONDS).awaitUninterruptibly();
            }
        }
    }
}
