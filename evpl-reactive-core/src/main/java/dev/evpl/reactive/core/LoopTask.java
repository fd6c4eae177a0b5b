package dev.evpl.reactive.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import reactor.core.Disposable;

/**
 * A task given to a loop through its {@code Scheduler} face: immediate, delayed or periodic. One
 * object serves as the task, its {@link Disposable}, its hand-over node and its timer-heap entry,
 * so scheduling allocates this object only.
 *
 * <p>Created on any thread; runs on the loop thread. {@link #dispose()} from any thread.
 */
final class LoopTask extends TimerNode implements Disposable {
    private static final VarHandle STATE;
    private static final int PENDING = 0;
    private static final int DONE = 1;
    private static final int CANCELLED = 2;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(LoopTask.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final EventLoop loop;
    private final Runnable task;
    private final LoopWorker worker;
    private final boolean timed;
    private volatile int state;
    /** Runs instead of the task when it is disposed unrun (a hand-over carrying a resource); may be null. */
    Runnable onDrop;

    LoopTask(EventLoop loop, Runnable task, LoopWorker worker, boolean timed) {
        this.loop = loop;
        this.task = task;
        this.worker = worker;
        this.timed = timed;
    }

    boolean isTimed() {
        return timed;
    }

    /** Hand-over from another thread: run now, or arm the timer (deadline was set on submission). */
    @Override
    void runOnLoop() {
        if (timed) {
            if (!isCancelled()) {
                loop.timers.add(this);
            }
        } else {
            runNow();
        }
    }

    /** From the timer heap. A one-shot claims itself first, so a racing dispose cannot count it twice. */
    @Override
    void fire() {
        if (interval == 0) {
            if (!STATE.compareAndSet(this, PENDING, DONE)) {
                return;
            }
            if (worker != null) {
                worker.timedTaskLeft();
                if (worker.isDisposed()) {
                    return;
                }
            }
            invoke();
        } else if (!isCancelled()) {
            invoke();
        }
    }

    /** An immediate task. */
    void runNow() {
        if (STATE.compareAndSet(this, PENDING, DONE) && (worker == null || !worker.isDisposed())) {
            invoke();
        }
    }

    private void invoke() {
        loop.tasksRun++;
        try {
            task.run();
        } catch (Throwable t) {
            loop.reportTaskError(t);
        }
    }

    @Override
    boolean isCancelled() {
        return state == CANCELLED || (worker != null && worker.isDisposed());
    }

    @Override
    public void dispose() {
        if (STATE.compareAndSet(this, PENDING, CANCELLED)) {
            if (timed) {
                if (worker != null) {
                    worker.timedTaskLeft();
                }
                loop.cancelTimed(this);
            }
            Runnable drop = onDrop;
            if (drop != null) {
                onDrop = null;
                try {
                    drop.run();
                } catch (Throwable t) {
                    loop.reportTaskError(t);
                }
            }
        }
    }

    /** Whether the task ran (or started running); false while pending or once cancelled. */
    boolean ran() {
        return state == DONE;
    }

    @Override
    public boolean isDisposed() {
        return state != PENDING || (worker != null && worker.isDisposed());
    }

    @Override
    public String toString() {
        return "LoopTask[" + task + ", state=" + state + ", timed=" + timed + ']';
    }
}
