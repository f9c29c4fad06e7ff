package service

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// AccountKey names an account in logs and in the backoff without its address.
func AccountKey(email string) string {
	sum := sha256.Sum256([]byte(email))
	return hex.EncodeToString(sum[:8])
}

// Limiter is a token bucket per key (an operation and a client address): perMinute requests a minute,
// in bursts of as many. Counted in this process: each replica has its own.
type Limiter struct {
	mu        sync.Mutex
	perMinute int
	buckets   map[string]*rate.Limiter
}

// NewLimiter allows perMinute requests a minute per key.
func NewLimiter(perMinute int) *Limiter {
	return &Limiter{perMinute: perMinute, buckets: map[string]*rate.Limiter{}}
}

// Wait is 0 when the key may go on (a token is taken), else the seconds until it may.
func (l *Limiter) Wait(key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buckets) > 100_000 {
		l.buckets = map[string]*rate.Limiter{} // bounded memory: a flood of addresses resets the counts
	}
	bucket, found := l.buckets[key]
	if !found {
		bucket = rate.NewLimiter(rate.Every(time.Minute/time.Duration(l.perMinute)), l.perMinute)
		l.buckets[key] = bucket
	}
	reservation := bucket.Reserve()
	delay := reservation.Delay()
	if delay == 0 {
		return 0
	}
	reservation.Cancel()
	return int(math.Ceil(delay.Seconds()))
}

// Backoff slows down the logins of an account after repeated failures, whatever address they come from:
// after `free` failures, each one doubles the wait (1 s, 2 s, 4 s, ... up to max); a success resets it.
type Backoff struct {
	mu       sync.Mutex
	free     int
	max      time.Duration
	accounts map[string]*failures
}

type failures struct {
	count int
	until time.Time
}

// NewBackoff starts the waits after free failures, up to max.
func NewBackoff(free int, max time.Duration) *Backoff {
	return &Backoff{free: free, max: max, accounts: map[string]*failures{}}
}

// Wait is the seconds the account must still wait (0: it may try).
func (b *Backoff) Wait(account string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	f, found := b.accounts[account]
	if !found {
		return 0
	}
	left := time.Until(f.until)
	if left <= 0 {
		return 0
	}
	return int(math.Ceil(left.Seconds()))
}

// Failed counts a failed login of the account.
func (b *Backoff) Failed(account string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.accounts) > 100_000 {
		b.accounts = map[string]*failures{}
	}
	f, found := b.accounts[account]
	if !found {
		f = &failures{}
		b.accounts[account] = f
	}
	f.count++
	if over := f.count - b.free; over >= 0 {
		wait := time.Duration(math.Min(float64(b.max), float64(time.Second)*math.Pow(2, float64(over))))
		f.until = time.Now().Add(wait)
	}
}

// Succeeded forgets the account's failures.
func (b *Backoff) Succeeded(account string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.accounts, account)
}
