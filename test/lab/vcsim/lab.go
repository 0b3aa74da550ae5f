package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io/ioutil"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"syscall"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/types"

	// Storage policy service (PBM) endpoint on /pbm, vcenter mode only.
	_ "github.com/vmware/govmomi/pbm/simulator"
)

type hostInfo struct {
	Name               string `json:"name"`
	Ref                string `json:"moref"`
	Cluster            string `json:"cluster,omitempty"`
	ManagementServerIP string `json:"managementServerIp,omitempty"`
}

type labInfo struct {
	URL              string          `json:"url"`
	Username         string          `json:"username"`
	Password         string          `json:"password"`
	ThumbprintSHA1   string          `json:"thumbprintSha1"`
	ThumbprintSHA256 string          `json:"thumbprintSha256"`
	Mode             string          `json:"mode"`
	Datacenter       string          `json:"datacenter"`
	Datastores       []datastoreInfo `json:"datastores"`
	Hosts            []hostInfo      `json:"hosts"`
	VMs              []string        `json:"vms"`
	BulkVMs          int             `json:"bulkVms"`
	BulkVMPrefix     string          `json:"bulkVmPrefix"`
	KeyProviders     []string        `json:"keyProviders"`
	StoragePolicies  []string        `json:"storagePolicies"`
	SiteVMs          []siteVMInfo    `json:"siteVms,omitempty"`
	Pid              int             `json:"pid"`
}

type runningLab struct {
	info    labInfo
	model   *simulator.Model
	server  *simulator.Server
	ownDirs []string
	keep    bool
}

func randomPassword() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "Lb-" + base64.RawURLEncoding.EncodeToString(b), nil
}

func newModel(o options) *simulator.Model {
	var m *simulator.Model
	if o.mode == "esxi" {
		m = simulator.ESX()
	} else {
		m = simulator.VPX()
		m.ClusterHost = o.hosts
		m.Host = 1 // one standalone host beside the cluster
		m.Portgroup = 1
	}
	// Datastores and VMs are made by the lab itself (see inventory.go).
	m.Datastore = 0
	m.Machine = 0
	m.Autostart = false
	return m
}

func startLab(o options) (*runningLab, error) {
	labMode = o.mode
	ctx := context.Background()
	lab := &runningLab{keep: o.keep}

	root := o.datastoreRoot
	if root == "" {
		dir, err := defaultDatastoreRoot()
		if err != nil {
			return nil, err
		}
		root = dir
		lab.ownDirs = append(lab.ownDirs, dir)
	} else {
		if err := os.MkdirAll(root, 0o700); err != nil {
			return nil, err
		}
		root = filepath.Join(root, fmt.Sprintf("lab-%d", os.Getpid()))
		if err := os.MkdirAll(root, 0o700); err != nil {
			return nil, err
		}
		lab.ownDirs = append(lab.ownDirs, root)
	}

	m := newModel(o)
	if err := m.Create(); err != nil {
		lab.removeDirs()
		return nil, fmt.Errorf("creating the simulator model: %w", err)
	}
	lab.model = m
	c, err := vim25.NewClient(ctx, m.Service)
	if err != nil {
		lab.stop()
		return nil, err
	}

	inv, err := buildInventory(ctx, c, o, root)
	if err != nil {
		lab.stop()
		return nil, err
	}
	labelAllDisksLikeVcenter()

	host, _, err := net.SplitHostPort(o.listen)
	if err != nil {
		lab.stop()
		return nil, fmt.Errorf("--listen: %w", err)
	}
	cert, err := newLabCertificate(host)
	if err != nil {
		lab.stop()
		return nil, err
	}
	password, err := randomPassword()
	if err != nil {
		lab.stop()
		return nil, err
	}
	username := "administrator@vsphere.local"
	if o.mode == "esxi" {
		username = "root"
	}

	m.Service.Listen = &url.URL{Host: o.listen, User: url.UserPassword(username, password)}
	m.Service.TLS = &tls.Config{Certificates: []tls.Certificate{cert.tls}}
	m.Service.RegisterEndpoints = o.mode == "vcenter"
	lab.server = m.Service.NewServer()
	// Swapped before the URL is published, so no request has been served yet.
	lab.server.Config.Handler = withVMHostMap(withTargetHooks(withLabHooks(lab.server.Config.Handler)))

	u := *lab.server.URL
	u.User = nil
	lab.info = labInfo{
		URL:              u.String(),
		Username:         username,
		Password:         password,
		ThumbprintSHA1:   cert.sha1,
		ThumbprintSHA256: cert.sha256,
		Mode:             o.mode,
		Datacenter:       inv.datacenter,
		Datastores:       inv.datastores,
		Hosts:            inv.hosts,
		VMs:              inv.specialVMs,
		BulkVMs:          o.vms,
		BulkVMPrefix:     bulkVMPrefix,
		KeyProviders:     inv.keyProviders,
		StoragePolicies:  inv.storagePolicies,
		SiteVMs:          inv.siteVMs,
		Pid:              os.Getpid(),
	}
	return lab, nil
}

// defaultDatastoreRoot prefers tmpfs: creating thousands of VM folders on a
// busy disk takes half a minute, on tmpfs a few seconds. Disk extents are
// sparse, so they cost memory only for the bytes written.
// A small /dev/shm (containers often have 64 MiB) would fill up with disk
// data, so it is used only when it has room.
func defaultDatastoreRoot() (string, error) {
	var fs syscall.Statfs_t
	if err := syscall.Statfs("/dev/shm", &fs); err == nil && int64(fs.Bavail)*int64(fs.Bsize) >= minShmFree {
		if dir, err := ioutil.TempDir("/dev/shm", "lifeboat-lab-"); err == nil {
			return dir, nil
		}
	}
	return ioutil.TempDir("", "lifeboat-lab-")
}

const minShmFree = 2 << 30

func (lab *runningLab) removeDirs() {
	if lab.keep {
		return
	}
	for _, d := range lab.ownDirs {
		_ = os.RemoveAll(d)
	}
}

func (lab *runningLab) stop() {
	if lab.server != nil {
		lab.server.Close()
	}
	if lab.model != nil {
		lab.model.Remove()
	}
	lab.removeDirs()
}

var _ = types.ManagedObjectReference{}
