package server

import (
	"sync"
	"time"
)

// dispatch hands requests to the worker threads so that as few threads as
// the load needs run the app, and the same ones:
//
//   - Idle workers wait on a stack: the one that went idle last, whose
//     caches are warm, gets the next request. (A channel shared by all
//     workers would wake them in turn, the coldest first.)
//   - While a worker is running a request that started less than
//     spareAfter ago, a new request waits in the queue instead of waking a
//     second worker: the busy one takes it, without sleeping, as soon as it
//     is done. On a CPU-bound app a second thread could only wait for the
//     GIL, and every hand-off of the GIL between threads costs a context
//     switch: with this rule T threads cost no more than one.
//   - When every busy worker has been at its request for spareAfter or
//     more and its thread was blocked (not runnable) at two looks in a
//     row, it is waiting for I/O with the GIL released: an idle worker is
//     woken for the oldest queued request. A timer makes that happen while
//     requests wait. So an I/O-bound app still gets all T threads, and a
//     request waits at most a few spareAfter for one. Wall time alone
//     would not do: on a busy machine a CPU-bound request is often
//     descheduled for a while, and waking a second thread then only adds
//     a GIL hand-off per request. (Where the kernel does not tell, wall
//     time is all there is.)
//   - A request that has run for longAfter or more counts as slow even
//     when it computes: one long CPU-bound request (a report, an export)
//     must not hold up every short one queued behind it. Another thread
//     then takes them, and CPython's switch interval (5 ms) shares the
//     GIL between the two; a hand-off per 5 ms costs nothing next to
//     that wait.
//
// Requests beyond the queue's capacity are refused (503).
type dispatch struct {
	mu     sync.Mutex
	idle   []*slot     // stack of idle workers; the last one is the warmest
	busy   int         // workers running a request
	queue  []*Exchange // FIFO ring of waiting requests
	head   int         // index of the oldest queued request
	n      int         // queued requests
	closed bool        // stopping: nothing is queued any more
	timer  *time.Timer // armed while requests wait and workers are idle
	armed  bool
	slots  []*slot // every worker, busy or not

	// lastLong is when a request was last seen running spareAfter or
	// longer: until recentLong after it, the timer ticks every
	// spareAfter, else every quietTick.
	lastLong time.Time
}

// spareAfter is how long a request runs before its worker counts as
// waiting (for I/O) rather than working, so that an idle worker is woken
// for the next request.
const spareAfter = time.Millisecond

// longAfter is how long a request runs before an idle worker is woken for
// the next request whatever the busy one is doing. Far above the 0.1 ms a
// typical request needs, so it does not add GIL hand-offs under load.
const longAfter = 20 * time.Millisecond

// quietTick is the timer's period while no request has run spareAfter or
// longer for recentLong. Workers that finish every request within
// spareAfter are not waiting for I/O, and a tick every spareAfter would
// only cost a wake-up a millisecond: 3% of the CPU on Flask with 4 threads
// (124 against 128-131 µs a request in the same runs), which made 4
// threads slower than 1. The first long request after a quiet spell is
// seen within quietTick; after that, ticks come every spareAfter again.
const (
	quietTick  = 8 * spareAfter
	recentLong = 100 * time.Millisecond
)

// period is the timer's next period. Called with d.mu held.
func (d *dispatch) period(now time.Time) time.Duration {
	if now.Sub(d.lastLong) < recentLong {
		return spareAfter
	}
	return quietTick
}

// slot is one worker's mailbox.
type slot struct {
	next  chan *Exchange // capacity 1
	start time.Time      // when its current request started (busy only)
	busy  bool

	stat    *threadStat // the worker thread's state, or nil
	seen    time.Time   // the last look at it
	blocked bool        // what it said
}

func newDispatch(queueSize int) *dispatch {
	d := &dispatch{queue: make([]*Exchange, queueSize)}
	d.timer = time.AfterFunc(time.Hour, d.tick)
	d.timer.Stop()
	return d
}

// allSlow says whether every busy worker has been at its request for
// spareAfter or more, and is waiting rather than working. Called with d.mu
// held.
func (d *dispatch) allSlow(now time.Time) bool {
	for _, sl := range d.slots {
		if sl.busy && now.Sub(sl.start) < spareAfter {
			return false
		}
	}
	// Only now the threads' states (a system call each).
	slow := true
	for _, sl := range d.slots {
		if sl.busy && now.Sub(sl.start) < longAfter && !sl.waiting(now) {
			slow = false
		}
	}
	return slow
}

// waiting says whether the thread of the busy worker of sl was blocked at
// this look and at the last one, a while before in the same request.
func (sl *slot) waiting(now time.Time) bool {
	if sl.stat == nil {
		return true // wall time only
	}
	blocked, ok := sl.stat.blocked()
	if !ok {
		return true
	}
	prevAt, prev := sl.seen, sl.blocked
	if now.Sub(prevAt) < spareAfter/4 && !prevAt.Before(sl.start) {
		return prev && blocked // too soon for a new look to count
	}
	sl.seen, sl.blocked = now, blocked
	return blocked && prev && !prevAt.Before(sl.start)
}

// wake hands x to the warmest idle worker. Called with d.mu held, with
// at least one worker idle.
func (d *dispatch) wake(x *Exchange, now time.Time) *slot {
	k := len(d.idle) - 1
	sl := d.idle[k]
	d.idle = d.idle[:k]
	sl.busy, sl.start = true, now
	d.busy++
	return sl
}

// submit gives x to a worker, or queues it. It returns false when the
// queue is full or the server is stopping.
func (d *dispatch) submit(x *Exchange) bool {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return false
	}
	if len(d.idle) > 0 {
		now := time.Now()
		if d.busy == 0 || (d.n == 0 && d.allSlow(now)) {
			sl := d.wake(x, now)
			d.mu.Unlock()
			sl.next <- x
			return true
		}
	}
	if d.n == len(d.queue) {
		d.mu.Unlock()
		return false
	}
	d.queue[(d.head+d.n)%len(d.queue)] = x
	d.n++
	if len(d.idle) > 0 && !d.armed {
		d.armed = true
		d.timer.Reset(d.period(time.Now()))
	}
	d.mu.Unlock()
	return true
}

// pop removes the oldest queued request. Called with d.mu held, d.n > 0.
func (d *dispatch) pop() *Exchange {
	x := d.queue[d.head]
	d.queue[d.head] = nil
	d.head = (d.head + 1) % len(d.queue)
	d.n--
	return x
}

// tick wakes an idle worker for the oldest queued request when every busy
// worker is slow, and re-arms while requests wait and workers are idle.
func (d *dispatch) tick() {
	d.mu.Lock()
	d.armed = false
	var sl *slot
	var x *Exchange
	now := time.Now()
	for _, s := range d.slots {
		if s.busy && now.Sub(s.start) >= spareAfter {
			d.lastLong = now
			break
		}
	}
	if d.n > 0 && len(d.idle) > 0 && d.allSlow(now) {
		x = d.pop()
		sl = d.wake(x, now)
	}
	if d.n > 0 && len(d.idle) > 0 && !d.closed {
		d.armed = true
		d.timer.Reset(d.period(now))
	}
	d.mu.Unlock()
	if sl != nil {
		sl.next <- x
	}
}

// add registers a new worker, idle.
func (d *dispatch) add(sl *slot) {
	d.mu.Lock()
	d.slots = append(d.slots, sl)
	d.mu.Unlock()
	d.idleSlot(sl, false)
}

// idleSlot is called when the worker of sl finishes a request (wasBusy),
// before the response goes out, so that a client's next request already
// finds it free: the oldest queued request goes into its mailbox, or sl
// goes on top of the idle stack.
func (d *dispatch) idleSlot(sl *slot, wasBusy bool) {
	now := time.Now()
	d.mu.Lock()
	if wasBusy && now.Sub(sl.start) >= spareAfter {
		d.lastLong = now
	}
	if d.n > 0 && !d.closed {
		x := d.pop()
		sl.busy, sl.start = true, now
		if !wasBusy {
			d.busy++
		}
		d.mu.Unlock()
		sl.next <- x
		return
	}
	if wasBusy {
		d.busy--
	}
	sl.busy = false
	d.idle = append(d.idle, sl)
	d.mu.Unlock()
}

// close stops queueing and returns the requests that were waiting.
func (d *dispatch) close() []*Exchange {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	d.timer.Stop()
	var out []*Exchange
	for d.n > 0 {
		out = append(out, d.pop())
	}
	return out
}

// queued is the number of waiting requests.
func (d *dispatch) queued() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.n
}
