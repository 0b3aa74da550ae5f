// Command lifeboat-vcsim runs VMware's vSphere API simulator (govmomi's
// simulator package, as shipped by Debian) with the inventory Lifeboat's
// tests and demos rely on, prints one JSON line describing it, and runs
// until SIGTERM or SIGINT.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

type options struct {
	mode          string
	hosts         int
	vms           int
	listen        string
	datastoreRoot string
	keep          bool
	managed       bool
	managementIP  string
	verbose       bool
	cpuProfile    string
	withParent    bool
	site          bool
}

func parseOptions() options {
	var o options
	flag.StringVar(&o.mode, "mode", "vcenter", "vcenter or esxi")
	flag.IntVar(&o.hosts, "hosts", 2, "number of ESXi hosts in the cluster (vcenter mode)")
	flag.IntVar(&o.vms, "vms", 4, "number of plain VMs (lab-vm-NNNN) besides the special ones")
	flag.StringVar(&o.listen, "listen", "127.0.0.1:0", "address to listen on (HTTPS)")
	flag.StringVar(&o.datastoreRoot, "datastore-root", "", "folder in which the datastore folders are made (default: a new temp folder)")
	flag.BoolVar(&o.keep, "keep", false, "keep the datastore folders on exit")
	flag.BoolVar(&o.managed, "managed", false, "esxi mode: the host reports a managementServerIp (managed by a vCenter)")
	flag.StringVar(&o.managementIP, "management-server-ip", "192.0.2.10", "managementServerIp reported by managed hosts")
	flag.BoolVar(&o.verbose, "verbose", false, "log simulator activity to stderr")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the start-up to this file")
	flag.BoolVar(&o.withParent, "exit-with-parent", false, "stop (SIGTERM) when the parent process dies (Linux)")
	flag.BoolVar(&o.site, "site", false, "vcenter mode: add a small company's site (30 named VMs on site-ds-01/02) for recovery rehearsals; 3 hosts unless --hosts says more")
	flag.Parse()
	hostsGiven := false
	flag.Visit(func(f *flag.Flag) { hostsGiven = hostsGiven || f.Name == "hosts" })
	if o.mode != "vcenter" && o.mode != "esxi" {
		fail("--mode must be vcenter or esxi, not %q", o.mode)
	}
	if o.hosts < 1 || o.vms < 0 {
		fail("--hosts must be at least 1 and --vms at least 0")
	}
	if o.site {
		if o.mode != "vcenter" {
			fail("--site needs --mode vcenter (a site's VMs run on a cluster)")
		}
		if !hostsGiven {
			o.hosts = siteMinHosts
		} else if o.hosts < siteMinHosts {
			fail("--site needs at least %d hosts, not %d", siteMinHosts, o.hosts)
		}
	}
	return o
}

// exitWithParent asks Linux to send SIGTERM when the parent dies, so a test
// runner that is killed leaves no simulator behind.
func exitWithParent() {
	parent := os.Getppid()
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0)
	if os.Getppid() != parent {
		os.Exit(0) // the parent died before the request took effect
	}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "lifeboat-vcsim: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	o := parseOptions()
	if o.withParent {
		exitWithParent()
	}
	if !o.verbose {
		log.SetOutput(os.Stderr)
		log.SetFlags(0)
		log.SetPrefix("vcsim: ")
	}

	if o.cpuProfile != "" {
		if f, err := os.Create(o.cpuProfile); err == nil {
			_ = pprof.StartCPUProfile(f)
		}
	}
	lab, err := startLab(o)
	if o.cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		fail("%v", err)
	}

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)

	line, err := json.Marshal(lab.info)
	if err != nil {
		lab.stop()
		fail("encoding the lab description: %v", err)
	}
	// The one line the parent process waits for.
	fmt.Println(string(line))
	// Nothing else goes to stdout: a detached lab's parent has gone away, and
	// a write to its closed pipe would kill the simulator.
	if devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		_ = syscall.Dup2(int(devnull.Fd()), 1)
	}

	<-signals
	lab.stop()
	os.Exit(0)
}
