// Hash routes: the server serves one page, whatever address the browser uses.
import { createRouter, createWebHashHistory } from 'vue-router';
import { ready, session } from './api.js';

export const MENUS = {
  officer: [
    { path: '/resources', title: '我的资源' },
    { path: '/applications', title: '共享申请' },
    { path: '/demands', title: '共享需求' },
    { path: '/differences', title: '校核差异' },
    { path: '/sync', title: '同步任务' },
  ],
  operator: [
    { path: '/review', title: '审核队列' },
    { path: '/demands', title: '共享需求' },
    { path: '/gaps', title: '缺口清单' },
    { path: '/report', title: '部门报表' },
    { path: '/departments', title: '部门' },
    { path: '/accounts', title: '账号' },
    { path: '/consumers', title: '调用方系统' },
    { path: '/sync', title: '同步任务' },
    { path: '/differences', title: '校核差异' },
    { path: '/audit', title: '审计' },
  ],
  clerk: [{ path: '/lookup', title: '查询核验' }],
  auditor: [{ path: '/audit', title: '审计' }],
};

const routes = [
  { path: '/', component: { render: () => null } }, // leads to sign-in or the role's first page (beforeEach)
  { path: '/sign-in', component: () => import('./views/SignIn.vue'), meta: { public: true, title: '登录' } },
  { path: '/resources', component: () => import('./views/MyResources.vue'), meta: { roles: ['officer'], title: '我的资源' } },
  { path: '/resources/new', component: () => import('./views/ResourceForm.vue'), meta: { roles: ['officer'], title: '登记资源' } },
  { path: '/resources/:cls/:seq/edit', component: () => import('./views/ResourceForm.vue'), meta: { roles: ['officer'], title: '修改资源' } },
  { path: '/applications', component: () => import('./views/Applications.vue'), meta: { roles: ['officer'], title: '共享申请' } },
  { path: '/sync', component: () => import('./views/SyncJobs.vue'), meta: { roles: ['officer', 'operator'], title: '同步任务' } },
  { path: '/demands', component: () => import('./views/Demands.vue'), meta: { roles: ['officer', 'operator'], title: '共享需求' } },
  { path: '/demands/new', component: () => import('./views/DemandForm.vue'), meta: { roles: ['officer', 'operator'], title: '共享需求调研表' } },
  { path: '/differences', component: () => import('./views/Differences.vue'), meta: { roles: ['officer', 'operator'], title: '校核差异' } },
  { path: '/gaps', component: () => import('./views/Gaps.vue'), meta: { roles: ['operator'], title: '缺口清单' } },
  { path: '/report', component: () => import('./views/Report.vue'), meta: { roles: ['operator'], title: '部门报表' } },
  { path: '/review', component: () => import('./views/ReviewQueue.vue'), meta: { roles: ['operator'], title: '审核队列' } },
  { path: '/departments', component: () => import('./views/Departments.vue'), meta: { roles: ['operator'], title: '部门' } },
  { path: '/accounts', component: () => import('./views/Accounts.vue'), meta: { roles: ['operator'], title: '账号' } },
  { path: '/consumers', component: () => import('./views/Consumers.vue'), meta: { roles: ['operator'], title: '调用方系统' } },
  { path: '/audit', component: () => import('./views/Audit.vue'), meta: { roles: ['operator', 'auditor'], title: '审计' } },
  { path: '/lookup', component: () => import('./views/Lookup.vue'), meta: { roles: ['clerk'], title: '查询核验' } },
  { path: '/:rest(.*)*', redirect: '/' },
];

export const router = createRouter({ history: createWebHashHistory(), routes });

export function homeOf(user) {
  return MENUS[user.role][0].path;
}

router.beforeEach((to) => {
  const user = session.user;
  const signedIn = ready(user);
  if (to.meta.public) return signedIn ? homeOf(user) : true;
  if (!signedIn) return { path: '/sign-in', query: to.path !== '/' ? { next: to.fullPath } : {} };
  if (to.path === '/' || !to.meta.roles?.includes(user.role)) return homeOf(user);
  return true;
});

router.afterEach((to) => {
  document.title = `${to.meta.title ?? '工作台'} · 周村区信息共享交换网关`;
});
