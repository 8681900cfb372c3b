package output

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe to read while a Progress writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time                    { return c.t }
func (c *fakeClock) advance(d time.Duration)           { c.t = c.t.Add(d) }
func (c *fakeClock) tick(p *Progress, d time.Duration) { c.advance(d); p.tick() }

func TestProgressDraws(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Unix(0, 0)}
	p := newProgress(&buf, true, 120, "sweeping account-regions", clock.now)
	for range 36 {
		p.Inc(false)
	}
	clock.tick(p, 100*time.Millisecond)
	clock.tick(p, 100*time.Millisecond)
	if buf.Len() != 0 {
		t.Fatalf("drawn before 300 ms: %q", buf.String())
	}
	clock.tick(p, 150*time.Millisecond) // 350 ms
	want := "\r[######--------------] sweeping 36/120 account-regions\x1b[K"
	if buf.String() != want {
		t.Fatalf("first draw %q, want %q", buf.String(), want)
	}
	buf.Reset()
	p.Inc(true)
	clock.tick(p, 50*time.Millisecond) // changed, but < 100 ms since the last draw
	if buf.Len() != 0 {
		t.Fatalf("redrawn too early: %q", buf.String())
	}
	clock.tick(p, 60*time.Millisecond)
	want = "\r[######--------------] sweeping 37/120 account-regions, 1 failed\x1b[K"
	if buf.String() != want {
		t.Fatalf("redraw %q, want %q", buf.String(), want)
	}
	buf.Reset()
	clock.tick(p, 200*time.Millisecond)
	if buf.Len() != 0 {
		t.Fatalf("redrawn without change: %q", buf.String())
	}
	p.Inc(true)
	clock.tick(p, 10*time.Millisecond)
	want = "\r[######--------------] sweeping 38/120 account-regions, 2 failed\x1b[K"
	if buf.String() != want {
		t.Fatalf("redraw %q, want %q", buf.String(), want)
	}
	buf.Reset()
	p.Done()
	if buf.String() != "\r\x1b[K" {
		t.Errorf("Done wrote %q, want the line cleared", buf.String())
	}
	buf.Reset()
	p.Inc(false)
	clock.tick(p, time.Second)
	p.Done()
	if buf.Len() != 0 {
		t.Errorf("written after Done: %q", buf.String())
	}
}

func TestProgressLine(t *testing.T) {
	for _, tc := range []struct {
		total, done, failed int
		label, want         string
	}{
		{120, 120, 0, "sweeping account-regions", "[####################] sweeping 120/120 account-regions"},
		{4, 1, 1, "checking", "[#####---------------] checking 1/4, 1 failed"},
		{0, 3, 0, "sweeping accounts", "sweeping 3 accounts"},
		{2, 5, 0, "sweeping x", "[####################] sweeping 5/2 x"},
	} {
		p := newProgress(nil, true, tc.total, tc.label, time.Now)
		p.done, p.failed = tc.done, tc.failed
		if got := p.line(); got != tc.want {
			t.Errorf("%+v: %q", tc, got)
		}
	}
}

func TestProgressNotTTY(t *testing.T) {
	var buf lockedBuffer
	p := NewProgress(&buf, false, 10, "sweeping account-regions")
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() { p.Inc(false) })
	}
	wg.Wait()
	time.Sleep(progressDelay + progressInterval)
	p.Done()
	if buf.String() != "" {
		t.Errorf("wrote %q without a TTY", buf.String())
	}
	clock := &fakeClock{t: time.Unix(0, 0)}
	q := newProgress(&buf, false, 10, "sweeping x", clock.now)
	q.Inc(true)
	clock.tick(q, time.Second)
	q.Done()
	if buf.String() != "" {
		t.Errorf("wrote %q without a TTY", buf.String())
	}
	var nilP *Progress
	nilP.Inc(true)
	nilP.Done()
}

func TestProgressFastRunShowsNothing(t *testing.T) {
	var buf lockedBuffer
	p := NewProgress(&buf, true, 3, "sweeping account-regions")
	for range 3 {
		p.Inc(false)
	}
	p.Done()
	if buf.String() != "" {
		t.Errorf("fast run wrote %q", buf.String())
	}
}

func TestProgressRealTime(t *testing.T) {
	var buf lockedBuffer
	start := time.Now()
	p := NewProgress(&buf, true, 100, "sweeping account-regions")
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() {
			time.Sleep(time.Duration(i%5) * 100 * time.Millisecond)
			p.Inc(i%10 == 0)
		})
	}
	wg.Wait()
	final := "sweeping 100/100 account-regions, 10 failed\x1b[K"
	for deadline := time.Now().Add(3 * time.Second); !strings.HasSuffix(buf.String(), final) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	p.Done()
	p.Done()
	elapsed := time.Since(start)
	out := buf.String()
	if !strings.HasPrefix(out, "\r[") || !strings.HasSuffix(out, final+"\r\x1b[K") {
		t.Errorf("output %q: want draws ending with the final count, then the line cleared", out)
	}
	if n, most := strings.Count(out, "\r")-1, int(elapsed/progressInterval); n > most {
		t.Errorf("%d draws in %v, want at most %d", n, elapsed, most)
	}
}
