package server

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

func newSlots(d *dispatch, n int) []*slot {
	var out []*slot
	for i := 0; i < n; i++ {
		sl := &slot{next: make(chan *Exchange, 1)}
		d.add(sl)
		out = append(out, sl)
	}
	return out
}

func TestDispatch(t *testing.T) {
	d := newDispatch(2)
	defer d.close()
	s := newSlots(d, 3)
	a, b, c := s[0], s[1], s[2]
	x1, x2, x3, x4 := &Exchange{}, &Exchange{}, &Exchange{}, &Exchange{}
	// The last worker to go idle gets the request.
	if !d.submit(x1) || <-c.next != x1 {
		t.Fatal("not LIFO")
	}
	// c is busy with a fresh request: the next ones wait for it, up to
	// the queue's size.
	if !d.submit(x2) || !d.submit(x3) || d.submit(&Exchange{}) {
		t.Fatal("queue bound not applied")
	}
	if d.queued() != 2 || len(a.next)+len(b.next) != 0 {
		t.Fatalf("queued %d, woken %d", d.queued(), len(a.next)+len(b.next))
	}
	// Done, c takes the oldest queued request at once.
	d.idleSlot(c, true)
	if <-c.next != x2 || d.queued() != 1 {
		t.Fatal("queue not FIFO")
	}
	// c stays busy past spareAfter: b (the warmest idle one) is woken
	// for x3, by the timer.
	select {
	case x := <-b.next:
		if x != x3 {
			t.Fatal("wrong request")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no spare worker woken")
	}
	// Both slow now, queue empty: a new request wakes a at once.
	time.Sleep(2 * spareAfter)
	if !d.submit(x4) || len(a.next) != 1 {
		t.Fatal("a not woken while the others are slow")
	}
	<-a.next
	for _, sl := range s {
		d.idleSlot(sl, true)
	}
	if d.busy != 0 || len(d.idle) != 3 {
		t.Fatalf("busy %d idle %d", d.busy, len(d.idle))
	}
	if rest := d.close(); len(rest) != 0 || d.submit(&Exchange{}) {
		t.Fatal("close")
	}
}

// TestWarmWorker: requests one after another all go to the same worker
// thread, though four are running.
type idApp struct {
	mu  sync.Mutex
	n   int
	ids map[int]int
}

type idWorker struct {
	a  *idApp
	id int
}

func (a *idApp) NewWorker() (Worker, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n++
	return &idWorker{a: a, id: a.n}, nil
}

func (w *idWorker) Close() {}

func (w *idWorker) ServeWSGI(x *Exchange) {
	w.a.mu.Lock()
	w.a.ids[w.id]++
	w.a.mu.Unlock()
	x.Finish(Result{Head: head("200 OK"), Body: []byte("ok")})
}

func TestWarmWorker(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Threads = 4
	app := &idApp{ids: map[int]int{}}
	_, base := start(t, cfg, app)
	for i := 0; i < 50; i++ {
		resp, err := http.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	app.mu.Lock()
	defer app.mu.Unlock()
	if len(app.ids) != 1 {
		t.Errorf("sequential requests went to %d workers (%v), want 1", len(app.ids), app.ids)
	}
}

type sleepApp struct{ idApp }

type sleepWorker struct{ idWorker }

func (a *sleepApp) NewWorker() (Worker, error) {
	w, _ := a.idApp.NewWorker()
	return &sleepWorker{*w.(*idWorker)}, nil
}

func (w *sleepWorker) ServeWSGI(x *Exchange) {
	time.Sleep(100 * time.Millisecond) // "I/O": the thread is not working
	w.idWorker.ServeWSGI(x)
}

// TestSpareWorkers: slow requests still get every thread, each after at
// most about spareAfter.
func TestSpareWorkers(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Threads = 4
	app := &sleepApp{idApp{ids: map[int]int{}}}
	_, base := start(t, cfg, app)
	begin := time.Now()
	getAll(t, base+"/", 4)
	if d := time.Since(begin); d > 300*time.Millisecond {
		t.Errorf("4 requests of 100 ms on 4 threads took %v", d)
	}
	app.mu.Lock()
	defer app.mu.Unlock()
	if len(app.ids) != 4 {
		t.Errorf("served by %v, want 4 workers", app.ids)
	}
}

type spinApp struct{ idApp }

type spinWorker struct{ idWorker }

func (a *spinApp) NewWorker() (Worker, error) {
	w, _ := a.idApp.NewWorker()
	return &spinWorker{*w.(*idWorker)}, nil
}

func (w *spinWorker) ServeWSGI(x *Exchange) {
	for t := time.Now(); time.Since(t) < 5*time.Millisecond; {
		// CPU-bound: the thread stays runnable
	}
	w.idWorker.ServeWSGI(x)
}

// TestNoSpareForCPUBound: requests that keep their thread busy (runnable)
// longer than spareAfter do not wake more threads: on a CPU-bound app they
// would only wait for the GIL.
func TestNoSpareForCPUBound(t *testing.T) {
	if newThreadStat() == nil {
		t.Skip("no per-thread scheduler statistics here")
	}
	cfg := DefaultConfig()
	cfg.Threads = 4
	app := &spinApp{idApp{ids: map[int]int{}}}
	_, base := start(t, cfg, app)
	getAll(t, base+"/", 8)
	app.mu.Lock()
	defer app.mu.Unlock()
	t.Logf("workers: %v", app.ids)
	if len(app.ids) > 2 {
		t.Errorf("8 CPU-bound requests went to %d workers (%v), want 1 (2 at most)", len(app.ids), app.ids)
	}
}

// TestTickPeriod: the timer ticks every quietTick while requests are
// short, every spareAfter for recentLong after a long one was seen.
func TestTickPeriod(t *testing.T) {
	now := time.Now()
	for _, tt := range []struct {
		name     string
		lastLong time.Time
		want     time.Duration
	}{
		{"never a long request", time.Time{}, quietTick},
		{"a long one just now", now, spareAfter},
		{"a long one a while ago", now.Add(-recentLong / 2), spareAfter},
		{"the last long one is old", now.Add(-2 * recentLong), quietTick},
	} {
		d := &dispatch{lastLong: tt.lastLong}
		if got := d.period(now); got != tt.want {
			t.Errorf("%s: period %v, want %v", tt.name, got, tt.want)
		}
	}

	// Finishing requests: a short one leaves lastLong alone, a long one sets it.
	d := newDispatch(2)
	defer d.close()
	sl := newSlots(d, 1)[0]
	if !d.submit(&Exchange{}) {
		t.Fatal("submit")
	}
	<-sl.next
	d.idleSlot(sl, true)
	if !d.lastLong.IsZero() {
		t.Errorf("a short request set lastLong")
	}
	if !d.submit(&Exchange{}) {
		t.Fatal("submit")
	}
	<-sl.next
	d.mu.Lock()
	sl.start = time.Now().Add(-2 * spareAfter)
	d.mu.Unlock()
	d.idleSlot(sl, true)
	if time.Since(d.lastLong) > time.Second {
		t.Errorf("a request of 2 ms did not set lastLong")
	}
}

// getAll sends n GET requests for url at once and waits for them all.
func getAll(t *testing.T, url string, n int) {
	t.Helper()
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(url)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		}()
	}
	wg.Wait()
}
