package output

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

const (
	progressDelay    = 300 * time.Millisecond // nothing is drawn for faster sweeps
	progressInterval = 100 * time.Millisecond // redraws at most this often
	progressBarWidth = 20
)

// Progress draws a one-line progress bar on a terminal, e.g.
//
//	[######--------------] sweeping 37/120 account-regions, 2 failed
//
// redrawn with \r at most every 100 ms, and only once the work has taken
// longer than 300 ms, so that fast runs show nothing. It writes nothing when
// the stream is not a terminal. Inc may be called concurrently. Call Done
// before writing anything else to the stream: it clears the line.
//
// A nil *Progress does nothing.
type Progress struct {
	w          io.Writer
	verb, noun string
	active     bool // tty: draw at all
	running    bool // the redraw goroutine was started
	now        func() time.Time

	mu                  sync.Mutex
	start, last         time.Time
	total, done, failed int
	drawn, dirty, ended bool

	stop, stopped chan struct{}
}

// NewProgress starts a progress line on w for total items of work. The
// label's first word is the verb, the rest the noun: "sweeping
// account-regions" shows "sweeping 37/120 account-regions". If tty is false,
// the Progress only counts.
func NewProgress(w io.Writer, tty bool, total int, label string) *Progress {
	p := newProgress(w, tty, total, label, time.Now)
	if p.active {
		p.running = true
		go p.run(time.NewTicker(progressInterval))
	}
	return p
}

func newProgress(w io.Writer, tty bool, total int, label string, now func() time.Time) *Progress {
	verb, noun, _ := strings.Cut(strings.TrimSpace(label), " ")
	return &Progress{
		w: w, verb: verb, noun: strings.TrimSpace(noun), active: tty, now: now,
		start: now(), total: total,
		stop: make(chan struct{}), stopped: make(chan struct{}),
	}
}

func (p *Progress) run(t *time.Ticker) {
	defer close(p.stopped)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.tick()
		}
	}
}

// Inc counts one item of work as done, failed or not.
func (p *Progress) Inc(failed bool) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if failed {
		p.failed++
	}
	p.dirty = true
}

// tick redraws the line if it is time to and something changed.
func (p *Progress) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.active || p.ended {
		return
	}
	now := p.now()
	if now.Sub(p.start) < progressDelay {
		return
	}
	if p.drawn && (!p.dirty || now.Sub(p.last) < progressInterval) {
		return
	}
	// Write the line, then erase what is left of a longer previous one.
	fmt.Fprintf(p.w, "\r%s\x1b[K", p.line())
	p.drawn, p.dirty, p.last = true, false, now
}

// line is the text of the progress line.
func (p *Progress) line() string {
	var b strings.Builder
	if p.total > 0 {
		n := min(max(p.done, 0)*progressBarWidth/p.total, progressBarWidth)
		b.WriteString("[" + strings.Repeat("#", n) + strings.Repeat("-", progressBarWidth-n) + "] ")
	}
	b.WriteString(p.verb)
	if p.total > 0 {
		fmt.Fprintf(&b, " %d/%d", p.done, p.total)
	} else {
		fmt.Fprintf(&b, " %d", p.done)
	}
	if p.noun != "" {
		b.WriteString(" " + p.noun)
	}
	if p.failed > 0 {
		fmt.Fprintf(&b, ", %d failed", p.failed)
	}
	return b.String()
}

// Done stops the progress line and clears it if it was drawn. Later calls
// do nothing.
func (p *Progress) Done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	if p.ended {
		p.mu.Unlock()
		return
	}
	p.ended = true
	p.mu.Unlock()
	close(p.stop)
	if p.running {
		<-p.stopped // nothing is written by run after Done returns
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}
